"""O site num navegador de verdade: o que a apostila e os testes do site usam.

O Chromium do Debian, guiado pelo Playwright, abre o site servido só em
127.0.0.1; toda requisição para fora é bloqueada e anotada, porque o livro tem
de funcionar sem rede. Aqui ficam servir a pasta, abrir o Chromium, registrar as
requisições, esperar o MathJax e as medidas que a apostila também usa (fórmulas
compostas, nada cortado). As medidas e interações que só os testes fazem, como
uma pessoa (acessibilidade, clicar, tocar, usar o Tab, digitar), ficam em
``tests/pessoa.py``. Os trechos longos de JavaScript ficam em ``navegador.js``.
"""
import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
ARGUMENTOS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
              "--no-first-run", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-default-apps", "--disable-extensions"]
ESPERA_MS = 30_000
RAIZ = Path(__file__).resolve().parents[1]
MEDIDAS_JS = Path(__file__).with_name("navegador.js")


class _Silencioso(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def servir(pasta):
    """Serve ``pasta`` em http://127.0.0.1:PORTA/ (porta livre escolhida pelo sistema)."""
    servidor = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Silencioso, directory=str(pasta)))
    servidor.daemon_threads = True
    fio = threading.Thread(target=servidor.serve_forever, daemon=True)
    fio.start()
    try:
        yield f"http://127.0.0.1:{servidor.server_port}/"
    finally:
        servidor.shutdown()
        servidor.server_close()


def abrir_chromium(playwright):
    """O Chromium do Debian, sem janela e sem nenhuma conexão própria (atualizações, sincronia)."""
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"Não achei o Chromium em {CHROMIUM}. Instale-o com `make chromium` "
                           "(apt-get install chromium, no Debian ou Ubuntu).")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGUMENTOS)


def e_local(url):
    partes = urlsplit(url)
    return partes.scheme in ("data", "blob", "about") or partes.hostname == "127.0.0.1"


class Registro:
    """Anota, numa página, as requisições, as que falharam, as externas (bloqueadas) e os erros."""

    def __init__(self, pagina):
        self.requisicoes, self.externas, self.falhas, self.erros = [], [], [], []
        pagina.add_init_script(path=str(MEDIDAS_JS))
        pagina.route("**/*", self._rotear)
        pagina.on("request", lambda r: self.requisicoes.append(r.url))
        pagina.on("requestfailed", self._falhou)
        pagina.on("response", lambda r: r.status >= 400 and self.falhas.append(f"{r.url} (HTTP {r.status})"))
        pagina.on("console", lambda m: m.type == "error" and self.erros.append(f"console: {m.text}"))
        pagina.on("pageerror", lambda e: self.erros.append(f"JavaScript: {e}"))

    def _falhou(self, requisicao):
        # net::ERR_ABORTED é o próprio navegador cancelando o que a página ainda
        # carregava (o favicon, por exemplo) porque a pessoa já foi para outra página;
        # um arquivo que falta chega como resposta HTTP 404 e é anotado em "response".
        if requisicao.failure != "net::ERR_ABORTED":
            self.falhas.append(f"{requisicao.url} ({requisicao.failure})")

    def _rotear(self, rota):
        if e_local(rota.request.url):
            rota.continue_()
        else:
            self.externas.append(rota.request.url)
            rota.abort("blockedbyclient")

    def problemas(self):
        """Tudo o que deu errado; as externas bloqueadas aparecem uma vez só (não como falhas)."""
        falhas = [f for f in self.falhas if not any(f.startswith(u) for u in self.externas)]
        return ([f"requisição externa: {u}" for u in self.externas]
                + [f"requisição falhou: {f}" for f in falhas] + self.erros)


def esperar_mathjax(pagina):
    """Espera o MathJax terminar a composição inicial; devolve uma mensagem se ele não carregou."""
    tem_script = pagina.evaluate(
        "() => [...document.scripts].some(s => /mathjax/i.test(s.src))")
    if not tem_script:
        return None
    pagina.wait_for_load_state("load")
    carregou = pagina.evaluate("() => !!(window.MathJax && window.MathJax.startup"
                               " && window.MathJax.startup.promise)")
    if not carregou:
        return "o MathJax não carregou"
    pagina.evaluate("() => window.MathJax.startup.promise")
    return None


def formulas(pagina):
    """Quantas fórmulas há, quantas o MathJax compôs e quantas deram erro de TeX."""
    return pagina.evaluate("cursoNavegador.formulas()")


def cortes(pagina):
    """As fórmulas em destaque, tabelas e figuras que não cabem inteiras na coluna do texto."""
    return pagina.evaluate("cursoNavegador.cortes()")
