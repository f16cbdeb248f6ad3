"""O livro montado num navegador de verdade: Chromium (do Debian) guiado pelo Playwright.

Usado pelos testes do site (``tests/test_site.py``) e pela apostila
(``ferramentas/apostila.py``). O site é servido só em 127.0.0.1, e toda
requisição para fora é bloqueada e anotada: o livro tem de funcionar sem rede.
"""
import contextlib
import functools
import http.server
import os
import threading
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
ARGUMENTOS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
              "--no-first-run", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-default-apps", "--disable-extensions"]
ESPERA_MS = 30_000


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
        pagina.route("**/*", self._rotear)
        pagina.on("request", lambda r: self.requisicoes.append(r.url))
        pagina.on("requestfailed", lambda r: self.falhas.append(f"{r.url} ({r.failure})"))
        pagina.on("response", lambda r: r.status >= 400 and self.falhas.append(f"{r.url} (HTTP {r.status})"))
        pagina.on("console", lambda m: m.type == "error" and self.erros.append(f"console: {m.text}"))
        pagina.on("pageerror", lambda e: self.erros.append(f"JavaScript: {e}"))

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


# Inspeção feita dentro da página, depois do MathJax: fórmulas, imagens, links, títulos, texto.
_INSPECAO = r"""
() => {
  const artigo = document.querySelector("article.bd-article") || document.body;
  const formulas = [...document.querySelectorAll("span.math, div.math")];
  const semCodigo = artigo.cloneNode(true);
  semCodigo.querySelectorAll("pre, code, mjx-container, script, style, .highlight").forEach(e => e.remove());
  const tex = semCodigo.textContent.match(/\\[()\[\]]|\$\$|\\[A-Za-z]{2,}/g) || [];
  const imagens = [...document.images].map(img => ({
    src: img.currentSrc || img.src, alt: (img.getAttribute("alt") || "").trim(),
    carregada: img.complete && img.naturalWidth > 0}));
  const links = [...document.querySelectorAll("a[href]")].map(a => a.href);
  const titulos = [...artigo.querySelectorAll("h1, h2, h3, h4, h5, h6")]
      .map(h => ({nivel: +h.tagName[1], texto: h.textContent.replace(/[#¶]\s*$/, "").trim()}));
  // A interface: tudo fora do texto da página, mais os botões que o tema põe dentro dele.
  const daInterface = e => !artigo.contains(e) || e.closest(".copybtn, .toggle-button, a.headerlink");
  const atributos = [];
  for (const e of document.querySelectorAll("[title], [aria-label], [placeholder], [alt], [data-tooltip]")) {
    if (!daInterface(e)) continue;
    for (const nome of ["title", "aria-label", "placeholder", "alt", "data-tooltip"]) {
      const v = e.getAttribute(nome);
      if (v) atributos.push(v);
    }
  }
  return {
    lang: document.documentElement.lang,
    titulo: document.title,
    formulas: formulas.length,
    compostas: formulas.filter(f => f.querySelector("mjx-container")).length,
    erros_tex: document.querySelectorAll("mjx-merror, [data-mjx-error]").length,
    tex_cru: tex,
    imagens, links, titulos, atributos,
    texto_interface: document.body.innerText.replace(artigo.innerText, " "),
  };
}
"""

# Na largura de um celular, nada pode passar da borda direita (rolagem lateral).
_LARGURA = r"""
() => {
  const largura = document.documentElement.clientWidth;
  const vazam = [];
  for (const e of document.querySelectorAll("article.bd-article p, article.bd-article li, article.bd-article h1, article.bd-article h2, article.bd-article h3, article.bd-article table, article.bd-article img")) {
    const r = e.getBoundingClientRect();
    if (r.width && (r.right > largura + 1 || r.left < -1)) vazam.push(`${e.tagName.toLowerCase()}: ${e.textContent.trim().slice(0, 60)}`);
  }
  return {largura, rolagem: document.documentElement.scrollWidth, vazam};
}
"""


def inspecionar(pagina):
    """Os fatos da página aberta que os testes conferem."""
    return pagina.evaluate(_INSPECAO)


def medir_largura(pagina):
    return pagina.evaluate(_LARGURA)
