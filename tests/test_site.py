"""O site do livro num navegador de verdade (Chromium do Debian, via Playwright), sem rede.

Cada página do ``_toc.yml`` é servida em 127.0.0.1 e aberta duas vezes: numa tela
de computador e numa de celular. Toda requisição para fora da máquina é
bloqueada e conta como falha. As capturas de tela ficam em ``_build/capturas/``,
para ver o que um teste reprovou.
"""
import html.parser
import re
import shutil
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import nbformat
import pytest
import yaml
from playwright.sync_api import sync_playwright

import apostila
import navegador

RAIZ = Path(__file__).resolve().parents[1]
CAPTURAS = RAIZ / "_build" / "capturas"
COMPUTADOR = {"width": 1280, "height": 900}
CELULAR = {"width": 360, "height": 740}
# Palavras que a busca tem de achar, em toda lição que as contém; vale pelo menos uma.
PALAVRAS_BUSCADAS = ["preenchimento", "dispositivo"]
# Textos da interface dos temas que, se aparecerem, estão sem tradução.
INGLES = re.compile(r"\b(Search|Skip to|Back to top|Contents|On this page|previous|next|Toggle|Launch|"
                    r"Download|Copy|Copied|Print to|Fullscreen|Color mode|Light|Dark|System Settings|"
                    r"navigation|Version|logo|Source repository|Last updated|Show code|Hide code|"
                    r"Edit this|Open an issue|By the|Theme by|page)\b")


def paginas_do_sumario():
    """Os arquivos do ``_toc.yml``, na ordem de leitura, sem extensão (``lessons/00-...``)."""
    sumario = yaml.safe_load((RAIZ / "_toc.yml").read_text(encoding="utf-8"))
    arquivos = [sumario["root"]]

    def percorrer(no):
        if isinstance(no, list):
            for item in no:
                percorrer(item)
        elif isinstance(no, dict):
            if "file" in no:
                arquivos.append(no["file"])
            for chave in ("parts", "chapters", "sections"):
                percorrer(no.get(chave, []))

    percorrer({k: v for k, v in sumario.items() if k != "root"})
    return [re.sub(r"\.(md|ipynb)$", "", a) for a in arquivos]


PAGINAS = paginas_do_sumario()
LICOES = [p for p in PAGINAS if (RAIZ / f"{p}.ipynb").is_file()]


def fonte(pagina):
    """O texto do arquivo-fonte da página (só as células de texto, num notebook)."""
    if (RAIZ / f"{pagina}.ipynb").is_file():
        nb = nbformat.read(RAIZ / f"{pagina}.ipynb", as_version=4)
        return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return (RAIZ / f"{pagina}.md").read_text(encoding="utf-8")


def titulo(pagina):
    return re.search(r"^# (.+)$", fonte(pagina), re.M).group(1).strip()


def url_colab(pagina):
    """O botão e o selo do Colab de uma lição abrem a sua edição Colab (edicoes/colab/)."""
    from ferramentas import repositorio
    return repositorio.url_colab(f"edicoes/colab/{Path(pagina).name}.ipynb")


# ------------------------------------------------------------------ visitas

@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        navegador_ = navegador.abrir_chromium(p)
        yield navegador_
        navegador_.close()


@pytest.fixture(scope="module")
def site(livro):
    with navegador.servir(livro / "html") as endereco:
        yield endereco


def visitar(chromium, endereco, caminho, captura=None):
    """Abre ``caminho`` no computador e no celular e devolve os fatos que os testes conferem."""
    fatos = {}
    for tela, tamanho in (("computador", COMPUTADOR), ("celular", CELULAR)):
        contexto = chromium.new_context(viewport=tamanho, is_mobile=tela == "celular",
                                        has_touch=tela == "celular")
        try:
            pagina = contexto.new_page()
            registro = navegador.Registro(pagina)
            pagina.goto(endereco + caminho, wait_until="load", timeout=navegador.ESPERA_MS)
            falha_mathjax = navegador.esperar_mathjax(pagina)
            pagina.wait_for_load_state("networkidle", timeout=navegador.ESPERA_MS)
            if tela == "computador":
                fatos.update(navegador.inspecionar(pagina))
                fatos["requisicoes"] = list(registro.requisicoes)
                fatos["problemas"] = registro.problemas() + ([falha_mathjax] if falha_mathjax else [])
            else:
                fatos["largura"] = navegador.medir_largura(pagina)
                fatos["problemas_celular"] = registro.problemas()
            if captura:
                CAPTURAS.mkdir(parents=True, exist_ok=True)
                pagina.screenshot(path=str(CAPTURAS / f"{captura}-{tela}.png"), full_page=True)
        finally:
            contexto.close()
    fatos["endereco"] = endereco
    return fatos


@pytest.fixture(scope="module")
def visita(chromium, site):
    """Cada página é visitada uma vez só; os testes consultam o que foi visto."""
    vistas = {}

    def obter(pagina):
        if pagina not in vistas:
            vistas[pagina] = visitar(chromium, site, f"{pagina}.html", captura=pagina.replace("/", "__"))
        return vistas[pagina]
    return obter


# ------------------------------------------------------------------ verificações
# Cada uma devolve a lista do que está errado: os testes exigem listas vazias, e
# test_as_verificacoes_acusam_problemas prova que elas acusam o que devem.

def problemas_de_rede(fatos):
    fora = [u for u in fatos["requisicoes"] if not navegador.e_local(u)]
    return fatos["problemas"] + fatos.get("problemas_celular", []) + [f"pediu fora da máquina: {u}" for u in fora]


def problemas_de_formulas(fatos):
    problemas = []
    if fatos["compostas"] != fatos["formulas"]:
        problemas.append(f"só {fatos['compostas']} de {fatos['formulas']} fórmulas compostas pelo MathJax")
    if fatos["erros_tex"]:
        problemas.append(f"{fatos['erros_tex']} fórmulas com erro de TeX")
    problemas += [f"TeX cru no texto: {t}" for t in fatos["tex_cru"]]
    return problemas


def problemas_de_imagens(fatos):
    problemas = []
    for img in fatos["imagens"]:
        nome = img["src"][:80]
        if not img["carregada"]:
            problemas.append(f"imagem não carregou: {nome}")
        alt = img["alt"]
        if not alt:
            problemas.append(f"imagem sem texto alternativo: {nome}")
        elif re.search(r"\.(png|jpe?g|svg|gif)$|^\.\.?/|_images/|<Figure", alt):
            problemas.append(f"texto alternativo é só o nome do arquivo: {alt[:80]}")
        elif INGLES.search(alt):
            problemas.append(f"texto alternativo em inglês: {alt}")
    return problemas


class _Ancoras(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for nome, valor in attrs:
            if nome in ("id", "name") and valor:
                self.ids.add(valor)


def problemas_de_links(fatos, cache):
    """Todo link para dentro do site leva a um arquivo que existe, e a âncora, a um id dele."""
    problemas = []
    origem = urlsplit(fatos["endereco"]).netloc
    for link in sorted(set(fatos["links"])):
        if urlsplit(link).scheme not in ("http", "https") or urlsplit(link).netloc != origem:
            continue
        alvo, ancora = urldefrag(link)
        if alvo not in cache:
            try:
                with urllib.request.urlopen(alvo, timeout=10) as resposta:
                    conteudo = resposta.read()
                ancoras = _Ancoras()
                if alvo.endswith(".html") or alvo.endswith("/"):
                    ancoras.feed(conteudo.decode("utf-8"))
                cache[alvo] = ancoras.ids
            except (urllib.error.URLError, OSError) as erro:
                cache[alvo] = erro
        if isinstance(cache[alvo], Exception):
            problemas.append(f"link quebrado: {link} ({cache[alvo]})")
        elif ancora and ancora not in cache[alvo]:
            problemas.append(f"âncora inexistente: {link}")
    return problemas


def problemas_de_titulos(fatos):
    niveis = [t["nivel"] for t in fatos["titulos"]]
    if not niveis:
        return ["a página não tem títulos"]
    problemas = [] if niveis[0] == 1 and niveis.count(1) == 1 else [f"deve haver um só h1, no início: {niveis}"]
    for anterior, (atual, t) in zip(niveis, zip(niveis[1:], fatos["titulos"][1:])):
        if atual > anterior + 1:
            problemas.append(f"título pula de h{anterior} para h{atual}: {t['texto']}")
    return problemas


def problemas_de_largura(fatos):
    medida = fatos["largura"]
    problemas = [f"texto passa da borda do celular: {v}" for v in medida["vazam"]]
    if medida["rolagem"] > medida["largura"]:
        problemas.append(f"rolagem lateral no celular: {medida['rolagem']}px numa tela de {medida['largura']}px")
    return problemas


def problemas_de_idioma(fatos):
    problemas = [] if fatos["lang"] == "pt-BR" else [f'lang="{fatos["lang"]}", e não "pt-BR"']
    for texto in fatos["atributos"] + fatos["texto_interface"].splitlines():
        achado = INGLES.search(texto)
        if achado:
            problemas.append(f"interface em inglês: {texto.strip()[:80]!r}")
    return sorted(set(problemas))


# ------------------------------------------------------------------ testes por página

@pytest.mark.parametrize("pagina", PAGINAS)
def test_pagina_carrega_sem_erros_e_sem_rede(visita, pagina):
    fatos = visita(pagina)
    assert fatos["requisicoes"], "nenhuma requisição registrada"
    assert problemas_de_rede(fatos) == []


@pytest.mark.parametrize("pagina", PAGINAS)
def test_formulas_compostas_sem_tex_cru(visita, pagina):
    assert problemas_de_formulas(visita(pagina)) == []


@pytest.mark.parametrize("pagina", PAGINAS)
def test_imagens_carregam_e_tem_texto_alternativo(visita, pagina):
    assert problemas_de_imagens(visita(pagina)) == []


@pytest.mark.parametrize("pagina", PAGINAS)
def test_links_internos_e_ancoras_existem(visita, pagina):
    fatos = visita(pagina)
    assert any(urlsplit(l).netloc == urlsplit(fatos["endereco"]).netloc for l in fatos["links"])
    assert problemas_de_links(fatos, {}) == []


@pytest.mark.parametrize("pagina", PAGINAS)
def test_titulos_em_ordem(visita, pagina):
    fatos = visita(pagina)
    assert problemas_de_titulos(fatos) == []
    assert fatos["titulos"][0]["texto"] == titulo(pagina)


@pytest.mark.parametrize("pagina", PAGINAS)
def test_interface_em_portugues(visita, pagina):
    assert problemas_de_idioma(visita(pagina)) == []


@pytest.mark.parametrize("pagina", PAGINAS)
def test_cabe_na_tela_do_celular(visita, pagina):
    assert problemas_de_largura(visita(pagina)) == []


@pytest.mark.parametrize("licao", LICOES)
def test_botoes_do_colab_e_de_download(chromium, site, livro, licao):
    contexto = chromium.new_context(viewport=COMPUTADOR)
    try:
        pagina = contexto.new_page()
        registro = navegador.Registro(pagina)
        pagina.goto(f"{site}{licao}.html", wait_until="load")
        # Botão "Abrir" do alto da página -> Colab, no repositório e ramo do _config.yml.
        pagina.locator(".dropdown-launch-buttons > button").click()
        colab = pagina.locator(".dropdown-launch-buttons a", has_text="Colab")
        colab.wait_for(state="visible")
        assert colab.get_attribute("href") == url_colab(licao)
        # O selo do começo da lição leva ao mesmo lugar.
        selo = pagina.locator("article.bd-article a:has(img[alt='Abrir no Colab'])")
        assert selo.count() == 1 and selo.get_attribute("href") == url_colab(licao)
        # Botão de download -> .ipynb, idêntico ao notebook do repositório.
        pagina.locator(".dropdown-download-buttons > button").click()
        baixar = pagina.locator(".dropdown-download-buttons a", has_text=".ipynb")
        baixar.wait_for(state="visible")
        with pagina.expect_download() as chegada:
            baixar.click()
        baixado = Path(chegada.value.path())
        assert chegada.value.suggested_filename == Path(licao).name + ".ipynb"
        assert baixado.read_bytes() == (RAIZ / f"{licao}.ipynb").read_bytes()
        nbformat.validate(nbformat.reads(baixado.read_text(encoding="utf-8"), as_version=4))
        assert registro.problemas() == []
    finally:
        contexto.close()


def test_busca_acha_palavras_das_licoes(chromium, site):
    conferidas = 0
    for palavra in PALAVRAS_BUSCADAS:
        esperadas = [l for l in LICOES if re.search(rf"\b{palavra}\b", fonte(l), re.I)]
        if not esperadas:
            continue
        conferidas += 1
        contexto = chromium.new_context(viewport=COMPUTADOR)
        try:
            pagina = contexto.new_page()
            registro = navegador.Registro(pagina)
            pagina.goto(site + "intro.html", wait_until="load")
            # Como quem lê: abre a busca pelo botão, digita a palavra e tecla Enter.
            pagina.locator("button.search-button-field").first.click()
            campo = pagina.locator("#pst-search-dialog input[name=q]")
            campo.fill(palavra)
            campo.press("Enter")
            pagina.wait_for_url(re.compile(r"search\.html\?q="))
            resultados = pagina.locator("#search-results ul.search li a")
            pagina.locator("#search-results p.search-summary").wait_for(state="visible")
            achadas = {urlsplit(h).path.lstrip("/").removesuffix(".html")
                       for h in resultados.evaluate_all("els => els.map(a => a.href)")}
            resumo = pagina.locator("#search-results p.search-summary").inner_text()
            CAPTURAS.mkdir(parents=True, exist_ok=True)
            pagina.screenshot(path=str(CAPTURAS / f"busca-{palavra}.png"))
            assert set(esperadas) <= achadas, f"busca por {palavra!r}: {resumo}; achou {sorted(achadas)}"
            assert "encontrada" in resumo
            assert registro.problemas() == []
        finally:
            contexto.close()
    assert conferidas, f"nenhuma lição contém as palavras {PALAVRAS_BUSCADAS}"


# ------------------------------------------------------------------ apostila

@pytest.fixture(scope="module")
def pdf_apostila(livro, chromium):
    saida = livro / "apostila.pdf"
    apostila.gerar_apostila(livro / "singlehtml", saida, chromium)
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    shutil.copy(saida, CAPTURAS / "apostila.pdf")
    from pypdf import PdfReader
    texto = "\n".join(p.extract_text() for p in PdfReader(saida).pages)
    return saida, " ".join(unicodedata.normalize("NFKC", texto).split())


def test_apostila_tem_todas_as_paginas(pdf_apostila):
    saida, texto = pdf_apostila
    assert saida.stat().st_size > 10_000
    faltam = [titulo(p) for p in PAGINAS if " ".join(titulo(p).split()) not in texto]
    assert faltam == [], f"títulos fora da apostila: {faltam}"


def test_apostila_sem_tex_cru(pdf_apostila):
    _, texto = pdf_apostila
    cru = re.findall(r"\\\(|\\\[|\$\$|\\(?:frac|sum|mathbf|times|cdot|left|right|begin|end|star|quad)\b", texto)
    assert cru == []


# ------------------------------------------------------------------ as verificações funcionam

PAGINA_RUIM = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>ruim</title>
<script src="https://cdn.exemplo.invalid/biblioteca.js"></script></head>
<body><nav><button title="Toggle navigation">≡</button></nav>
<article class="bd-article">
<h1>Título</h1><h3>Pulou o h2</h3>
<p>Texto com \\(x^2\\) cru e $$y$$ também.</p>
<p><span class="math notranslate nohighlight">\\(z\\)</span></p>
<img src="../_images/nao-existe.png" alt="nao-existe.png">
<img src="boa.png">
<img src="https://imagens.exemplo.invalid/foto.png" alt="Uma foto">
<a href="sumiu.html">link quebrado</a> <a href="#nao-ha">âncora quebrada</a>
<p style="width: 900px">Um parágrafo largo demais para o celular.</p>
</article></body></html>"""

PAGINA_BOA = """<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>boa</title>
<script defer src="mathjax/tex-chtml.js"></script></head>
<body><article class="bd-article"><h1 id="topo">Fórmulas</h1><h2>Uma seção</h2>
<p>A saída tem <span class="math notranslate nohighlight">\\(\\lfloor (n + 2p - k)/s \\rfloor + 1\\)</span> linhas:</p>
<div class="math notranslate nohighlight">\\[Y_{i,j} = \\sum_{a,b} X_{i+a,\\,j+b}\\, K_{a,b}\\]</div>
<img src="boa.png" alt="Um quadrado cinza"> <a href="#topo">voltar ao início</a>
</article></body></html>"""


def test_as_verificacoes_acusam_problemas(chromium, livro, tmp_path):
    (tmp_path / "ruim.html").write_text(PAGINA_RUIM, encoding="utf-8")
    (tmp_path / "boa.html").write_text(PAGINA_BOA, encoding="utf-8")
    shutil.copy(next((livro / "html" / "_static" / "images").glob("*.png")), tmp_path / "boa.png")
    (tmp_path / "mathjax").symlink_to(livro / "html" / "mathjax", target_is_directory=True)
    with navegador.servir(tmp_path) as endereco:
        ruim = visitar(chromium, endereco, "ruim.html")
        boa = visitar(chromium, endereco, "boa.html")
        links_ruim, links_boa = problemas_de_links(ruim, {}), problemas_de_links(boa, {})
    rede = " ".join(problemas_de_rede(ruim))
    assert "requisição externa: https://cdn.exemplo.invalid/biblioteca.js" in rede  # bloqueada e acusada
    assert "requisição externa: https://imagens.exemplo.invalid/foto.png" in rede
    assert "nao-existe.png (HTTP 404)" in rede
    formulas = problemas_de_formulas(ruim)
    assert "só 0 de 1 fórmulas compostas pelo MathJax" in formulas
    assert {"TeX cru no texto: \\(", "TeX cru no texto: $$"} <= set(formulas)
    imagens = " | ".join(problemas_de_imagens(ruim))
    assert "imagem não carregou: " in imagens and "nao-existe.png" in imagens
    assert "imagem sem texto alternativo: " in imagens and "boa.png" in imagens
    assert "texto alternativo é só o nome do arquivo: nao-existe.png" in imagens
    links = " | ".join(links_ruim)
    assert "link quebrado: " in links and "sumiu.html" in links and "âncora inexistente: " in links
    assert problemas_de_titulos(ruim) == ["título pula de h1 para h3: Pulou o h2"]
    assert any("rolagem lateral no celular" in p for p in problemas_de_largura(ruim))
    idioma = problemas_de_idioma(ruim)
    assert 'lang="en", e não "pt-BR"' in idioma and "interface em inglês: 'Toggle navigation'" in idioma
    # E a página certa passa em tudo, com as fórmulas compostas pelo MathJax do livro, sem rede.
    assert boa["formulas"] == 2
    for verificacao in (problemas_de_rede, problemas_de_formulas, problemas_de_imagens,
                        problemas_de_titulos, problemas_de_largura, problemas_de_idioma):
        assert verificacao(boa) == [], verificacao.__name__
    assert links_boa == []
