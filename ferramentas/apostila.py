"""Gera as duas apostilas em PDF: a do aluno (sem soluções) e a do instrutor (com elas).

Parte da montagem do livro numa página só (``jupyter-book build . --builder
singlehtml``), que o Chromium do Debian abre, com as fórmulas compostas pelo
MathJax do próprio livro, e imprime em PDF. Uso (o ``make apostila`` faz tudo):

    jupyter-book build . --builder singlehtml
    python -m ferramentas.apostila [_build/singlehtml] [_build]

grava ``apostila-aluno.pdf`` e ``apostila-instrutor.pdf`` na segunda pasta.

O que a impressão do navegador não faz, este módulo faz:

- **Sumário com páginas e marcadores.** O Chromium grava a estrutura do texto
  (PDF etiquetado, ``tagged=True``) e os links internos, com destinos nomeados,
  mas não os números de página do sumário: a página é impressa duas vezes, e da
  primeira o ``pypdf`` lê em que página caiu cada título (pelos destinos dos
  links do sumário). Os marcadores (um por lição e por seção) o ``pypdf`` põe a
  partir dos mesmos destinos. O ``page.pdf(outline=True)`` do Chromium 156 não
  serve: repete o texto de alguns títulos ("CanaisCanais") e come o espaço onde
  o título quebra a linha ("umcurso").
- **Números de página** no rodapé de toda página ("Página 3 de 85"), pelo
  rodapé do próprio Chromium.
- **Papel, não tela.** Cada lição começa numa página nova; figuras ficam com as
  legendas; caixas de código não se partem em pedaços vazios; linhas longas de
  código quebram com recuo; as animações (GIF) viram uma faixa de quadros; o que
  só vale no site (selo do Colab, classe ``so-na-tela``) some.
- **Duas versões.** Na do aluno, saem as soluções (``:::{solution}``, células
  com a etiqueta ``solucao``) e a página dos instrutores (que reúne os critérios
  de correção). Na do instrutor, as soluções ficam abertas no lugar.
- **Nada cortado.** Antes de imprimir, toda fórmula em destaque, tabela e
  figura é medida contra a coluna do papel; a que não cabe é um erro.

O navegador (servir o site, abrir o Chromium sem rede, registrar o que a página
pediu, medir) vem de ``ferramentas/navegador.py``, o mesmo dos testes do site. O
estilo do papel fica em ``apostila.css``; o preparo da página, em ``apostila.js`` (e a troca dos
exploradores e as páginas do sumário em ``apostila_explorador.js`` e ``apostila_sumario.js``).
"""
import base64
import io
import re
import shutil
import sys
from pathlib import Path

from ferramentas import navegador, repositorio

VERSOES = {"aluno": False, "instrutor": True}  # versão -> com soluções?
QUADROS_POR_ANIMACAO = 4
COLUNA_DO_PAPEL = {"width": 680, "height": 960}  # 180 mm de largura útil
ESTILO = Path(__file__).with_name("apostila.css")

RODAPE = ('<div style="font-size:8pt; width:100%; text-align:center; color:#555;">'
          'Página <span class="pageNumber"></span> de <span class="totalPages"></span></div>')


def _js(nome):
    """A função de ``ferramentas/nome`` (um .js), sem o cabeçalho de comentários (o Playwright quer a função)."""
    return re.sub(r"\A(\s*//[^\n]*\n)+", "", Path(__file__).with_name(nome).read_text(encoding="utf-8"))


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


EXPLORADOR = "[data-cc-explorador]"


def explorador_como_figura(pagina):
    """Cada explorador interativo vira, no papel, a figura do seu estado inicial (com legenda).

    Um formulário impresso não serve para nada: no lugar dele vai o retrato dele na tela,
    na largura da coluna do papel, e a legenda diz que no site ele é interativo.
    """
    exploradores = pagina.locator(f"article {EXPLORADOR}")
    for _ in range(exploradores.count()):  # cada troca tira um da lista: sempre o primeiro
        explorador = exploradores.first
        explorador.scroll_into_view_if_needed()
        retrato = base64.b64encode(explorador.screenshot(type="png", animations="disabled")).decode()
        explorador.evaluate(_js("apostila_explorador.js"), retrato)


def _imprimir(contexto, endereco, pasta, saida, solucoes, titulo_livro):
    pagina = contexto.new_page()
    registro = navegador.Registro(pagina)
    pagina.goto(endereco + pagina_inicial(pasta), wait_until="load", timeout=navegador.ESPERA_MS)
    falha_mathjax = navegador.esperar_mathjax(pagina)
    fatos = navegador.formulas(pagina)
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
    explorador_como_figura(pagina)
    pagina.add_style_tag(path=str(ESTILO))
    versao = "Apostila do instrutor (com as soluções)" if solucoes else "Apostila do aluno"
    titulos = pagina.evaluate(_js("apostila.js"), {
        "solucoes": solucoes, "titulo": titulo_livro, "versao": versao, "quadros": quadros, "total": total,
        "instrutores": repositorio.url_pagina("instrutores")})
    pagina.evaluate("() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))")
    pagina.emulate_media(media="print")
    cortados = navegador.cortes(pagina)
    if cortados:
        raise RuntimeError("A apostila cortaria no papel (quebre a fórmula em linhas ou reduza a figura):\n- "
                           + "\n- ".join(cortados))
    opcoes = dict(format="A4", print_background=True, display_header_footer=True,
                  header_template="<span></span>", footer_template=RODAPE, prefer_css_page_size=True,
                  tagged=True)
    # 1ª impressão: onde caiu cada título; 2ª: o sumário com as páginas (mesma largura: "000").
    pagina.pdf(path=str(saida), **opcoes)
    onde = destinos(saida)
    faltam = [t["texto"] for t in titulos if t["id"] not in onde]
    if faltam:
        raise RuntimeError(f"títulos sem destino no PDF (o Chromium não gravou o link): {faltam[:5]}")
    paginas = {t["id"]: onde[t["id"]][0] + 1 for t in titulos}
    pagina.evaluate(_js("apostila_sumario.js"), paginas)
    pagina.pdf(path=str(saida), **opcoes)
    acrescentar_marcadores(saida, titulos, destinos(saida))
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
            chromium = navegador.abrir_chromium(p)
            try:
                return gerar_apostila(pasta, saida, chromium, solucoes)
            finally:
                chromium.close()
    saida.parent.mkdir(parents=True, exist_ok=True)
    titulo_livro = repositorio.config()["title"]
    with navegador.servir(pasta) as endereco:
        # A largura da coluna do papel (A4 menos as margens do apostila.css, a 96 pontos
        # por polegada): as medidas de "nada cortado" valem para o que sai impresso.
        contexto = chromium.new_context(viewport=COLUNA_DO_PAPEL)
        try:
            _imprimir(contexto, endereco, pasta, saida, solucoes, titulo_livro)
        finally:
            contexto.close()
    return saida


def gerar_apostilas(pasta_singlehtml, destino, chromium=None):
    """As duas apostilas em ``destino``: ``apostila-aluno.pdf`` e ``apostila-instrutor.pdf``."""
    return {versao: gerar_apostila(pasta_singlehtml, Path(destino) / f"apostila-{versao}.pdf", chromium, com)
            for versao, com in VERSOES.items()}


def publicar(pasta_das_apostilas, site):
    """Copia as duas apostilas para ``site/apostilas/``, onde o menu de download do site as espera."""
    from ferramentas.site_colab import PASTA_APOSTILAS
    destino = Path(site) / PASTA_APOSTILAS
    if not (Path(site) / "index.html").is_file():
        raise SystemExit(f"{site}/index.html não existe: monte antes o site (make livro).")
    destino.mkdir(parents=True, exist_ok=True)
    copiadas = []
    for versao in VERSOES:
        origem = Path(pasta_das_apostilas) / f"apostila-{versao}.pdf"
        if not origem.is_file():
            raise SystemExit(f"{origem} não existe: gere antes as apostilas (make apostila).")
        copiadas.append(shutil.copy2(origem, destino / origem.name))
    return copiadas


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--publicar"]:
        # python -m ferramentas.apostila --publicar _build _build/html
        for caminho in publicar(args[1], args[2]):
            print(f"Apostila publicada no site: {caminho}")
        sys.exit(0)
    pasta = Path(args[0]) if args else repositorio.RAIZ / "_build" / "singlehtml"
    destino = Path(args[1]) if len(args) > 1 else repositorio.RAIZ / "_build"
    for versao, caminho in gerar_apostilas(pasta, destino).items():
        print(f"Apostila do {versao} gravada em {caminho}")
