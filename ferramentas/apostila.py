"""Gera as duas apostilas em PDF: a do aluno (sem soluções) e a do instrutor (com elas).

Parte da montagem do livro numa página só (``jupyter-book build . --builder
singlehtml``), que o Chromium do Debian abre, com as fórmulas compostas pelo
MathJax do próprio livro, e imprime em PDF. Uso (o ``make apostila`` faz tudo):

    jupyter-book build . --builder singlehtml
    python -m ferramentas.apostila [_build/singlehtml] [_build]

grava ``apostila-aluno.pdf`` e ``apostila-instrutor.pdf`` na segunda pasta.

O que a impressão do navegador não faz, este módulo faz:

- **Sumário com páginas e marcadores.** O Chromium põe no PDF os links internos
  (com destinos nomeados) mas não os marcadores (o "outline") nem os números de
  página do sumário. A página é impressa duas vezes: da primeira, o ``pypdf``
  lê em que página caiu cada título (pelos destinos dos links do sumário); na
  segunda, o sumário já traz os números, e o ``pypdf`` acrescenta os marcadores,
  um por lição e por seção. O ``pypdf`` (PyPI, mantido, puro Python, já usado
  nos testes) lê e escreve PDF sem outro programa instalado.
- **Números de página** no rodapé de toda página ("Página 3 de 85"), pelo
  rodapé do próprio Chromium.
- **Papel, não tela.** Cada lição começa numa página nova; figuras ficam com as
  legendas; caixas de código não se partem em pedaços vazios; linhas longas de
  código quebram com recuo; as animações (GIF) viram uma faixa de quadros; o que
  só vale no site (selo do Colab, classe ``so-na-tela``) some.
- **Duas versões.** Na do aluno, saem as soluções (``:::{solution}``, células
  com a etiqueta ``solucao``) e a página dos instrutores (que reúne os critérios
  de correção). Na do instrutor, as soluções ficam abertas no lugar.

As funções do navegador (servir o site, abrir o Chromium sem rede, registrar o
que a página pediu) ficam aqui e os testes do site as usam também.
"""
import base64
import contextlib
import functools
import http.server
import io
import os
import re
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
ARGUMENTOS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
              "--no-first-run", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-default-apps", "--disable-extensions"]
ESPERA_MS = 30_000
VERSOES = {"aluno": False, "instrutor": True}  # versão -> com soluções?
QUADROS_POR_ANIMACAO = 4


# ------------------------------------------------------------------ o navegador

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


_FORMULAS = """() => ({
  formulas: document.querySelectorAll("span.math, div.math").length,
  compostas: [...document.querySelectorAll("span.math, div.math")].filter(f => f.querySelector("mjx-container")).length,
  erros_tex: document.querySelectorAll("mjx-merror, [data-mjx-error]").length})"""


# ------------------------------------------------------------------ a página impressa

# Regras só da apostila (o curso.css do site já traz as de impressão que valem para ambos).
ESTILO = r"""
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
@media print {
  html { font-size: 10.5pt; }
  .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .prev-next-area, footer, .bd-footer,
  .bd-footer-content, #jb-print-docs-body, .header-article, .copybtn, .toggle-button,
  a.headerlink, .skip-link, .bd-header-announcement, .search-button__wrapper,
  .so-na-tela, .selo-colab { display: none !important; }
  .bd-main .bd-content .bd-article-container { max-width: none; padding: 0; }
  .bd-container, .bd-container__inner, .bd-main, .bd-content, .bd-article-container, article.bd-article {
    display: block !important; width: auto !important; max-width: none !important; overflow: visible !important; }
  /* O tema esconde o primeiro h1 do artigo (ele repete o título no cabeçalho impresso). */
  .bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
  /* Capa: título e versão sozinhos na primeira página. */
  #apostila-capa { break-after: page; text-align: center; padding-top: 30vh; }
  #apostila-capa h1 { font-size: 2.2rem; }
  #apostila-capa .versao { font-size: 1.3rem; margin-top: 2rem; }
  #apostila-sumario { break-after: page; }
  #apostila-sumario ol { list-style: none; padding-left: 0; }
  #apostila-sumario ol ol { padding-left: 1.5rem; }
  #apostila-sumario a { display: flex; gap: 0.4rem; color: inherit; text-decoration: none; }
  #apostila-sumario a .titulo { flex: 0 1 auto; }
  #apostila-sumario a .pontos { flex: 1 1 auto; border-bottom: 1px dotted #888; margin-bottom: 0.3em; }
  #apostila-sumario a .pagina { flex: 0 0 3ch; text-align: right; font-variant-numeric: tabular-nums; }
  #apostila-sumario li.nivel-1 { font-weight: 600; margin-top: 0.5rem; }
  #apostila-sumario li.nivel-2 { font-weight: 400; }
  /* Cada lição (cada documento do livro) começa numa página nova. */
  .apostila-licao { break-before: page; }
  h1, h2, h3, h4, .admonition-title, p.caption, figcaption { break-after: avoid; }
  figure, .cell_output img, .apostila-quadros, .admonition, table { break-inside: avoid; }
  figure img { max-height: 55vh; width: auto; max-width: 100%; }
  /* Caixas de código: inteiras numa página quando cabem; sem caixa vazia no pé da página. */
  div.highlight, .cell_output .output, .cell_input, .highlight pre { break-inside: avoid; }
  div.highlight, div.highlight pre, .cell_output .output pre { box-decoration-break: clone; -webkit-box-decoration-break: clone; }
  pre { white-space: pre-wrap !important; overflow: visible !important; overflow-wrap: anywhere; }
  /* Linhas de código quebradas continuam com recuo (cada linha vira um bloco). */
  pre .apostila-linha { display: block; min-height: 1lh; }
  .apostila-quadros { display: flex; gap: 0.4rem; justify-content: center; flex-wrap: wrap; margin: 0.5rem 0; }
  .apostila-quadros img { width: calc(50% - 0.4rem); min-width: 0; border: 1px solid #ccc; }
  .apostila-quadros figcaption { flex-basis: 100%; text-align: center; font-size: 0.9rem; }
  /* Na apostila do instrutor, as soluções ficam abertas. */
  .solution.dropdown > *:not(.admonition-title), .toggle-hidden { display: block !important; visibility: visible !important; height: auto !important; opacity: 1 !important; }
}
"""

# Prepara a página para o papel; recebe {solucoes, titulo, versao, quadros: {src: [dataURL...]}}.
PREPARO = r"""
(opcoes) => {
  const artigo = document.querySelector("article.bd-article");
  // 1. Sem soluções: saem as soluções, as células de solução e a página dos instrutores.
  if (!opcoes.solucoes) {
    document.querySelectorAll(".solution, .tag_solucao").forEach(e => e.remove());
    const marca = document.getElementById("document-instrutores");
    if (marca) { marca.nextElementSibling && marca.nextElementSibling.remove(); marca.remove(); }
  } else {
    document.querySelectorAll(".toggle-hidden").forEach(e => e.classList.remove("toggle-hidden"));
    document.querySelectorAll("details").forEach(e => e.open = true);
  }
  // 2. Cada documento do livro (marcado por span#document-...) começa numa página nova.
  document.querySelectorAll('span[id^="document-"]').forEach(marca => {
    const secao = marca.nextElementSibling;
    if (secao && secao.tagName === "SECTION") secao.classList.add("apostila-licao");
  });
  // 3. Animações: a faixa de quadros-chave no lugar do GIF.
  for (const img of [...artigo.querySelectorAll("img")]) {
    const quadros = opcoes.quadros[img.getAttribute("src")];
    if (!quadros) continue;
    const faixa = document.createElement("figure");
    faixa.className = "apostila-quadros";
    for (const [n, dados] of quadros.entries()) {
      const q = document.createElement("img");
      q.src = dados;
      q.alt = `${img.alt || "Animação"} (quadro ${n + 1} de ${quadros.length})`;
      faixa.appendChild(q);
    }
    const legenda = document.createElement("figcaption");
    legenda.textContent = `Quadros da animação, da esquerda para a direita (${quadros.length} de ${opcoes.total[img.getAttribute("src")]}).`;
    faixa.appendChild(legenda);
    img.replaceWith(faixa);
  }
  // 4. Código: cada linha num bloco, para que a continuação de uma linha quebrada tenha recuo
  //    (e uma linha nunca seja dividida entre duas páginas).
  for (const pre of artigo.querySelectorAll("pre")) {
    const linhas = [[]];
    const partir = (no, abertos) => {
      if (no.nodeType === Node.TEXT_NODE) {
        const pedacos = no.textContent.split("\n");
        pedacos.forEach((p, i) => {
          if (i > 0) linhas.push([]);
          if (p) {
            let folha = document.createTextNode(p);
            for (const el of [...abertos].reverse()) { const c = el.cloneNode(false); c.appendChild(folha); folha = c; }
            linhas[linhas.length - 1].push(folha);
          }
        });
      } else if (no.nodeType === Node.ELEMENT_NODE) {
        for (const filho of [...no.childNodes]) partir(filho, [...abertos, no]);
      }
    };
    for (const filho of [...pre.childNodes]) partir(filho, []);
    if (linhas.length && linhas[linhas.length - 1].length === 0) linhas.pop();
    pre.replaceChildren(...linhas.map(nos => {
      const linha = document.createElement("span");
      linha.className = "apostila-linha";
      linha.append(...nos);
      if (!nos.length) linha.append("\u200b");
      // A continuação fica 4 colunas à direita do recuo da própria linha.
      const recuo = Math.min(linha.textContent.match(/^ */)[0].length, 40) + 4;
      linha.style.paddingLeft = `${recuo}ch`;
      linha.style.textIndent = `-${recuo}ch`;
      return linha;
    }));
  }
  // 5. Capa e sumário (lições e seções), com ids únicos para os links e os marcadores.
  const titulos = [];
  let n = 0;
  for (const marca of document.querySelectorAll('span[id^="document-"], article.bd-article > section:first-of-type')) {
    const secao = marca.tagName === "SECTION" ? marca : marca.nextElementSibling;
    if (!secao) continue;
    const h = secao.querySelector("h1, h2");
    if (!h) continue;
    const lista = [{h, nivel: 1}];
    for (const sub of secao.querySelectorAll(":scope > section > :is(h2, h3)")) lista.push({h: sub, nivel: 2});
    for (const {h: t, nivel} of lista) {
      // Um id novo no próprio título (os ids do livro se repetem entre lições; e um
      // marcador vazio dentro do título ficaria no pé da página anterior, se o título descer).
      t.id = `apostila-${++n}`;
      const texto = t.cloneNode(true);
      texto.querySelectorAll("a.headerlink, .headerlink").forEach(e => e.remove());
      titulos.push({id: t.id, nivel, texto: texto.textContent.replace(/\s+/g, " ").trim()});
    }
  }
  const capa = document.createElement("section");
  capa.id = "apostila-capa";
  capa.innerHTML = `<h1></h1><p class="versao"></p>`;
  capa.querySelector("h1").textContent = opcoes.titulo;
  capa.querySelector(".versao").textContent = opcoes.versao;
  const sumario = document.createElement("nav");
  sumario.id = "apostila-sumario";
  sumario.innerHTML = "<h2>Sumário</h2>";
  let lista = document.createElement("ol"), sub = null;
  sumario.appendChild(lista);
  for (const t of titulos) {
    const li = document.createElement("li");
    li.className = `nivel-${t.nivel}`;
    li.innerHTML = `<a><span class="titulo"></span><span class="pontos"></span><span class="pagina">000</span></a>`;
    li.querySelector("a").href = "#" + t.id;
    li.querySelector(".titulo").textContent = t.texto;
    li.dataset.alvo = t.id;
    if (t.nivel === 1) { lista.appendChild(li); sub = document.createElement("ol"); li.appendChild(sub); }
    else (sub || lista).appendChild(li);
  }
  artigo.prepend(capa, sumario);
  return titulos;
}
"""

RODAPE = ('<div style="font-size:8pt; width:100%; text-align:center; color:#555;">'
          'Página <span class="pageNumber"></span> de <span class="totalPages"></span></div>')


def pagina_inicial(pasta):
    """A página do livro inteiro: o Jupyter Book põe em index.html só um redirecionamento."""
    indice = (Path(pasta) / "index.html").read_text(encoding="utf-8")
    destino = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', indice)
    return destino.group(1) if destino else "index.html"


def quadros_chave(caminho, quantos=QUADROS_POR_ANIMACAO):
    """Alguns quadros de um GIF, igualmente espaçados (do primeiro ao último), como data URLs PNG."""
    from PIL import Image
    with Image.open(caminho) as gif:
        total = getattr(gif, "n_frames", 1)
        indices = sorted({round(i * (total - 1) / max(quantos - 1, 1)) for i in range(min(quantos, total))})
        quadros = []
        for i in indices:
            gif.seek(i)
            saida = io.BytesIO()
            gif.convert("RGB").save(saida, format="PNG")
            quadros.append("data:image/png;base64," + base64.b64encode(saida.getvalue()).decode())
    return quadros, total


def destinos(pdf):
    """Os destinos nomeados do PDF (id -> (índice da página, altura)), os que o Chromium grava."""
    from pypdf import PdfReader
    leitor = PdfReader(pdf)
    achados = {}
    for nome, destino in leitor.named_destinations.items():
        try:
            achados[nome.lstrip("/")] = (leitor.get_destination_page_number(destino), destino.top)
        except Exception:  # noqa: BLE001 - destino sem página: fica de fora
            continue
    return achados


def acrescentar_marcadores(pdf, titulos, onde):
    """Reescreve ``pdf`` com um marcador por título (lições no primeiro nível, seções dentro)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit
    escritor = PdfWriter(clone_from=PdfReader(pdf))
    escritor.add_outline_item(title="Sumário", page_number=1)
    pai = None
    for t in titulos:
        if t["id"] not in onde:
            continue
        pagina, topo = onde[t["id"]]
        ajuste = Fit.xyz(top=topo) if topo is not None else Fit.fit()
        item = escritor.add_outline_item(title=t["texto"], page_number=pagina, parent=None if t["nivel"] == 1 else pai, fit=ajuste)
        if t["nivel"] == 1:
            pai = item
    escritor.page_mode = "/UseOutlines"
    escritor.add_metadata({"/Title": titulos[0]["texto"] if titulos else "Apostila"})
    with open(pdf, "wb") as arquivo:
        escritor.write(arquivo)


def _imprimir(contexto, endereco, pasta, saida, solucoes, titulo_livro):
    pagina = contexto.new_page()
    registro = Registro(pagina)
    pagina.goto(endereco + pagina_inicial(pasta), wait_until="load", timeout=ESPERA_MS)
    falha_mathjax = esperar_mathjax(pagina)
    fatos = pagina.evaluate(_FORMULAS)
    problemas = registro.problemas() + ([falha_mathjax] if falha_mathjax else [])
    if fatos["compostas"] != fatos["formulas"] or fatos["erros_tex"]:
        problemas.append(f"fórmulas compostas: {fatos['compostas']} de {fatos['formulas']}, "
                         f"com {fatos['erros_tex']} erros de TeX")
    if problemas:
        raise RuntimeError("A apostila não pode ser gerada:\n- " + "\n- ".join(problemas))
    gifs = pagina.evaluate("() => [...document.querySelectorAll('article img')].map(i => i.getAttribute('src'))"
                           ".filter(s => s && /\\.gif$/i.test(s))")
    quadros, total = {}, {}
    for src in gifs:
        quadros[src], total[src] = quadros_chave(Path(pasta) / src)
    pagina.add_style_tag(content=ESTILO)
    versao = "Apostila do instrutor (com as soluções)" if solucoes else "Apostila do aluno"
    titulos = pagina.evaluate(PREPARO, {"solucoes": solucoes, "titulo": titulo_livro, "versao": versao,
                                        "quadros": quadros, "total": total})
    pagina.evaluate("() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))")
    pagina.emulate_media(media="print")
    opcoes = dict(format="A4", print_background=True, display_header_footer=True,
                  header_template="<span></span>", footer_template=RODAPE, prefer_css_page_size=True)
    # 1ª impressão: onde caiu cada título; 2ª: o sumário com as páginas (mesma largura: "000").
    pagina.pdf(path=str(saida), **opcoes)
    onde = destinos(saida)
    faltam = [t["texto"] for t in titulos if t["id"] not in onde]
    if faltam:
        raise RuntimeError(f"títulos sem destino no PDF (o Chromium não gravou o link): {faltam[:5]}")
    paginas = {t["id"]: onde[t["id"]][0] + 1 for t in titulos}
    pagina.evaluate("""(paginas) => {
      for (const li of document.querySelectorAll("#apostila-sumario li[data-alvo]"))
        li.querySelector(":scope > a .pagina").textContent = paginas[li.dataset.alvo];
    }""", paginas)
    pagina.pdf(path=str(saida), **opcoes)
    onde = destinos(saida)
    acrescentar_marcadores(saida, titulos, onde)
    if registro.problemas():
        raise RuntimeError("A apostila não pode ser gerada:\n- " + "\n- ".join(registro.problemas()))
    pagina.close()
    return titulos


def gerar_apostila(pasta_singlehtml, saida, chromium=None, solucoes=True):
    """Imprime a página única de ``pasta_singlehtml`` em ``saida`` (PDF, A4).

    ``solucoes``: ``True`` para a apostila do instrutor, ``False`` para a do aluno.
    Falha se a página pediu algo fora da máquina, teve erros ou ficou com alguma
    fórmula sem compor. ``chromium``: um navegador já aberto (os testes passam o
    deles); sem ele, abre um.
    """
    pasta, saida = Path(pasta_singlehtml), Path(saida)
    if not (pasta / "index.html").is_file():
        raise SystemExit(f"{pasta}/index.html não existe: monte antes o livro numa página só "
                         "(jupyter-book build . --builder singlehtml).")
    if chromium is None:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            chromium = abrir_chromium(p)
            try:
                return gerar_apostila(pasta, saida, chromium, solucoes)
            finally:
                chromium.close()
    saida.parent.mkdir(parents=True, exist_ok=True)
    titulo_livro = _titulo_do_livro()
    with servir(pasta) as endereco:
        contexto = chromium.new_context()
        try:
            _imprimir(contexto, endereco, pasta, saida, solucoes, titulo_livro)
        finally:
            contexto.close()
    return saida


def gerar_apostilas(pasta_singlehtml, destino, chromium=None):
    """As duas apostilas em ``destino``: ``apostila-aluno.pdf`` e ``apostila-instrutor.pdf``."""
    return {versao: gerar_apostila(pasta_singlehtml, Path(destino) / f"apostila-{versao}.pdf", chromium, com)
            for versao, com in VERSOES.items()}


def _titulo_do_livro():
    from ferramentas import repositorio
    return repositorio.config()["title"]


if __name__ == "__main__":
    args = sys.argv[1:]
    from ferramentas.repositorio import RAIZ
    pasta = Path(args[0]) if args else RAIZ / "_build" / "singlehtml"
    destino = Path(args[1]) if len(args) > 1 else RAIZ / "_build"
    for versao, caminho in gerar_apostilas(pasta, destino).items():
        print(f"Apostila do {versao} gravada em {caminho}")
