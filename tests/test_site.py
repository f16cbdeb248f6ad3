"""O site do livro num navegador de verdade (Chromium do Debian, via Playwright), sem rede.

Cada página do ``_toc.yml`` é servida em 127.0.0.1 e aberta numa tela de
computador (1366×900) e numa de celular (390×844); os testes de interação
clicam como uma pessoa nas três larguras (celular, tablet de 800×900 e
computador). Toda requisição para fora da máquina é bloqueada e conta como
falha. As capturas de tela e as apostilas ficam em ``_build/capturas/``, para
ver o que um teste reprovou.
"""
import contextlib
import html.parser
import re
import shutil
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import nbformat
import pytest

from ferramentas import navegador
from ferramentas import apostila, repositorio
from tests import pessoa

RAIZ = Path(__file__).resolve().parents[1]
CAPTURAS = RAIZ / "_build" / "capturas"
CELULAR = {"width": 390, "height": 844}
TABLET = {"width": 800, "height": 900}
COMPUTADOR = {"width": 1366, "height": 900}
TELAS = {"celular": CELULAR, "tablet": TABLET, "computador": COMPUTADOR}
# Palavras que a busca tem de achar, em toda lição que as contém; vale pelo menos uma.
PALAVRAS_BUSCADAS = ["preenchimento", "dispositivo"]
# Textos da interface dos temas que, se aparecerem, estão sem tradução.
INGLES = re.compile(r"\b(Search|Skip to|Back to top|Contents|On this page|previous|next|Toggle|Launch|"
                    r"Download|Copy|Copied|Print to|Fullscreen|Color mode|Light|Dark|System Settings|"
                    r"navigation|Version|logo|Source repository|Last updated|Show code|Hide code|"
                    r"Edit this|Open an issue|By the|Theme by|page)\b")


PAGINAS = repositorio.paginas_do_toc()
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
def site(livro, apostilas):
    """O site como o workflow do GitHub Pages o publica (make site): com as duas apostilas."""
    apostila.publicar(livro / "apostilas", livro / "html")
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
            largura = tamanho["width"]
            fatos.setdefault("cortes", []).extend(f"{largura}px: {c}" for c in navegador.cortes(pagina))
            fatos.setdefault("acessibilidade", []).extend(
                f"{largura}px: {v}" for v in pessoa.acessibilidade(pagina))
            if tela == "computador":
                fatos.update(pessoa.inspecionar(pagina))
                fatos["requisicoes"] = list(registro.requisicoes)
                fatos["problemas"] = registro.problemas() + ([falha_mathjax] if falha_mathjax else [])
            else:
                fatos["largura"] = pessoa.medir_largura(pagina)
                fatos["transbordo"] = pessoa.problemas_de_transbordo(pagina)
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
def test_toda_pagina_leva_as_duas_apostilas(visita, pagina):
    # No menu de download (e a página inicial também no texto); o teste dos links confere que existem.
    links = visita(pagina)["links"]
    for versao in apostila.VERSOES:
        assert any(l.endswith(f"/apostilas/apostila-{versao}.pdf") for l in links), versao


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


@pytest.mark.parametrize("pagina", PAGINAS)
def test_nada_passa_da_tela_do_celular_fora_de_uma_rolagem(visita, pagina):
    # Saídas em tabela e fórmulas largas rolam dentro da coluna; nada mais passa de 390 px.
    assert visita(pagina)["transbordo"] == []


@pytest.mark.parametrize("pagina", PAGINAS)
def test_nada_cortado_no_celular_nem_no_computador(visita, pagina):
    # Toda fórmula em destaque, tabela e figura cabe inteira na coluna, a 390 e a 1366 px.
    assert visita(pagina)["cortes"] == []


@pytest.mark.parametrize("pagina", PAGINAS)
def test_axe_sem_violacoes_graves(visita, pagina):
    # O axe-core, rodando dentro do Chromium, nas duas larguras: nada "serious" nem "critical".
    assert visita(pagina)["acessibilidade"] == []


@contextlib.contextmanager
def aberta(chromium, endereco, caminho, tela):
    """Uma aba no tamanho ``tela`` (celular, tablet ou computador), já com a página carregada."""
    tamanho = TELAS[tela]
    contexto = chromium.new_context(viewport=tamanho, is_mobile=tela == "celular", has_touch=tela == "celular")
    try:
        pagina = contexto.new_page()
        registro = navegador.Registro(pagina)
        pagina.goto(endereco + caminho, wait_until="load", timeout=navegador.ESPERA_MS)
        pagina.wait_for_load_state("networkidle", timeout=navegador.ESPERA_MS)
        yield pagina, registro
    finally:
        contexto.close()


@pytest.mark.parametrize("tela", TELAS)
@pytest.mark.parametrize("pagina_", ["intro", LICOES[1]])
def test_botoes_de_alternancia_abrem_e_fecham(chromium, site, tela, pagina_):
    with aberta(chromium, site, f"{pagina_}.html", tela) as (pagina, registro):
        problemas = pessoa.problemas_de_alternancia(pagina)
        CAPTURAS.mkdir(parents=True, exist_ok=True)
        pagina.screenshot(path=str(CAPTURAS / f"alternancia-{pagina_.replace('/', '__')}-{tela}.png"))
        assert problemas == []
        assert registro.problemas() == []


@pytest.mark.parametrize("tela", TELAS)
def test_solucao_abre_e_fecha(chromium, site, tela):
    with aberta(chromium, site, f"{LICOES[1]}.html", tela) as (pagina, registro):
        assert pessoa.problemas_de_solucao(pagina) == []
        assert registro.problemas() == []


@pytest.mark.parametrize("tela", TELAS)
def test_busca_acha_palavras_das_licoes(chromium, site, tela):
    conferidas = 0
    for palavra in PALAVRAS_BUSCADAS:
        esperadas = [l for l in LICOES if re.search(rf"\b{palavra}\b", fonte(l), re.I)]
        if not esperadas:
            continue
        conferidas += 1
        with aberta(chromium, site, "intro.html", tela) as (pagina, registro):
            problemas = pessoa.problemas_de_busca(pagina, palavra, esperadas)
            CAPTURAS.mkdir(parents=True, exist_ok=True)
            pagina.screenshot(path=str(CAPTURAS / f"busca-{palavra}-{tela}.png"))
            assert problemas == []
            assert "encontrada" in pagina.locator("#search-results p.search-summary").inner_text()
            assert registro.problemas() == []
    assert conferidas, f"nenhuma lição contém as palavras {PALAVRAS_BUSCADAS}"


@pytest.mark.parametrize("tela", TELAS)
def test_anterior_e_proximo_percorrem_o_livro_inteiro(chromium, site, tela):
    with aberta(chromium, site, "intro.html", tela) as (pagina, registro):
        assert pessoa.problemas_da_cadeia(pagina, site, PAGINAS) == []
        assert registro.problemas() == []


@pytest.mark.parametrize("tela", TELAS)
@pytest.mark.parametrize("licao", LICOES)
def test_menu_de_lancamento_leva_ao_colab(chromium, site, tela, licao):
    with aberta(chromium, site, f"{licao}.html", tela) as (pagina, registro):
        assert pessoa.problemas_do_colab(pagina, repositorio.config(), RAIZ, licao) == []
        # O selo do começo da lição leva ao mesmo lugar que o menu.
        href = pagina.locator(".dropdown-launch-buttons a", has_text="Colab").first.get_attribute("href")
        selo = pagina.locator("article.bd-article a:has(img[alt='Abrir no Colab'])")
        assert selo.count() == 1 and selo.get_attribute("href") == href
        assert href == url_colab(licao), "o Colab deve abrir a edição Colab da lição (edicoes/colab/)"
        assert registro.problemas() == []


@pytest.mark.parametrize("licao", LICOES)
def test_botao_de_download_baixa_o_notebook(chromium, site, licao):
    with aberta(chromium, site, f"{licao}.html", "computador") as (pagina, registro):
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


@pytest.mark.parametrize("tela", ["celular", "computador"])
def test_menu_de_download_baixa_as_apostilas_e_nao_imprime_a_pagina(chromium, site, tela):
    with aberta(chromium, site, f"{LICOES[-1]}.html", tela) as (pagina, registro):
        pagina.locator(".dropdown-download-buttons > button").filter(visible=True).first.click()
        itens = pagina.locator(".dropdown-download-buttons .dropdown-menu a, .dropdown-download-buttons .dropdown-menu button")
        itens.first.wait_for(state="visible")
        textos = [" ".join(t.split()) for t in itens.all_inner_texts()]
        assert not any(t == ".pdf" for t in textos), f"a impressão da página pelo navegador continua no menu: {textos}"
        assert pagina.locator(".dropdown-download-buttons [onclick*='print']").count() == 0
        for versao in apostila.VERSOES:
            link = pagina.locator(".dropdown-download-buttons a", has_text=f"Apostila do {versao}")
            assert link.count() == 1, textos
            resposta = pagina.request.get(link.get_attribute("href") if link.get_attribute("href").startswith("http")
                                          else urllib.parse.urljoin(pagina.url, link.get_attribute("href")))
            assert resposta.ok and resposta.body()[:5] == b"%PDF-", versao
        assert registro.problemas() == []


def test_icone_e_logotipo_do_site(chromium, site):
    with aberta(chromium, site, "intro.html", "computador") as (pagina, registro):
        icone = pagina.locator("link[rel~=icon]").get_attribute("href")
        assert icone and icone.endswith("favicon.png")
        assert pagina.request.get(site + icone).ok
        logo = pagina.locator(".navbar-brand img").first
        assert logo.evaluate("i => i.complete && i.naturalWidth > 0")
        rodape = pagina.locator(".bd-footer-content").first.inner_text()
        assert "Autoria: " in rodape and not re.search(r"\bDe Curso\b|Copyright", rodape)
        assert registro.problemas() == []


def test_botao_de_copiar_em_portugues(chromium, site):
    # O título escondido no ícone (o que o leitor de tela lê) era "Copy to clipboard".
    with aberta(chromium, site, f"{LICOES[1]}.html", "computador") as (pagina, registro):
        pagina.locator("button.copybtn").first.wait_for(state="attached")
        titulos = pagina.locator("button.copybtn svg title").all_text_contents()
        assert titulos and set(titulos) == {"Copiar para a área de transferência"}
        assert pagina.locator("button.copybtn").first.get_attribute("data-tooltip") == "Copiar"
        assert registro.problemas() == []


# ------------------------------------------------------------------ apostilas

def solucoes_do_livro(chromium, livro):
    """Um trecho de cada solução (seis palavras de texto corrido), lido no livro de página única."""
    with navegador.servir(livro / "singlehtml") as endereco, aberta(
            chromium, endereco, apostila.pagina_inicial(livro / "singlehtml"), "computador") as (pagina, _):
        textos = pagina.evaluate("""() => [...document.querySelectorAll(".solution")].map(s => {
            const c = s.cloneNode(true);
            c.querySelectorAll(".math, code, pre, .highlight, .admonition-title").forEach(e => e.replaceWith(" | "));
            return c.textContent; })""")
    trechos = []
    for texto in textos:
        corrido = re.search(r"(?:[A-Za-zÀ-ÿ]{2,}[,;]? ){5}[A-Za-zÀ-ÿ]{2,}", " ".join(texto.split()))
        if corrido:
            trechos.append(corrido.group(0))
    return trechos


def texto_normal(texto):
    return " ".join(unicodedata.normalize("NFKC", texto).split())


@pytest.fixture(scope="module")
def apostilas(livro, chromium):
    from pypdf import PdfReader
    gravadas = apostila.gerar_apostilas(livro / "singlehtml", livro / "apostilas", chromium)
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    lidas = {}
    for versao, caminho in gravadas.items():
        shutil.copy(caminho, CAPTURAS / caminho.name)
        leitor = PdfReader(caminho)
        lidas[versao] = {"caminho": caminho, "leitor": leitor,
                         "paginas": [texto_normal(p.extract_text()) for p in leitor.pages]}
    return lidas


def marcadores(leitor):
    """Os títulos do outline, com o nível (1 = lição) e a página (começando em 1)."""
    achados = []

    def percorrer(itens, nivel):
        for item in itens:
            if isinstance(item, list):
                percorrer(item, nivel + 1)
            else:
                achados.append((nivel, " ".join(item.title.split()), leitor.get_destination_page_number(item) + 1))
    percorrer(leitor.outline, 1)
    return achados


@pytest.mark.parametrize("versao", apostila.VERSOES)
def test_apostila_tem_numero_de_pagina_no_rodape(apostilas, versao):
    paginas = apostilas[versao]["paginas"]
    total = len(paginas)
    assert total > 10
    sem_numero = [n for n, texto in enumerate(paginas, 1)
                  if n > 1 and not re.search(rf"Página {n} de {total}\s*$", texto)]
    assert sem_numero == []


@pytest.mark.parametrize("versao", apostila.VERSOES)
def test_apostila_tem_um_marcador_por_licao_e_secao(apostilas, versao):
    lidas = apostilas[versao]
    achados = marcadores(lidas["leitor"])
    titulos_n1 = [t for nivel, t, _ in achados if nivel == 1]
    paginas_esperadas = [p for p in PAGINAS if versao == "instrutor" or p != "instrutores"]
    for p in paginas_esperadas:
        assert " ".join(titulo(p).split()) in titulos_n1, f"sem marcador: {titulo(p)}"
    for nivel, t, numero in achados:
        if t != "Sumário":  # o marcador leva à página onde o título está
            assert t[:30] in lidas["paginas"][numero - 1], (t, numero)
    # As seções de cada lição também (nível 2), e cada lição começa numa página nova.
    assert sum(1 for nivel, *_ in achados if nivel == 2) >= 3 * len(LICOES)
    for nivel, t, numero in achados:
        if nivel == 1 and t != "Sumário":
            # (no começo da página; na bibliografia, os rótulos [DV16]... vêm antes no texto extraído)
            assert t[:30] in lidas["paginas"][numero - 1][:250], f"{t} não começa a página {numero}"


@pytest.mark.parametrize("versao", apostila.VERSOES)
def test_apostila_tem_sumario_com_paginas_e_links(apostilas, versao):
    lidas = apostilas[versao]
    achados = marcadores(lidas["leitor"])
    assert lidas["paginas"][1].startswith("Sumário")
    # O sumário vai da página 2 até antes da primeira página de texto.
    fim = min(numero for nivel, t, numero in achados if t != "Sumário") - 1
    sumario = " ".join(lidas["paginas"][1:fim])
    for nivel, t, numero in achados:
        if t != "Sumário":
            assert f"{t} {numero}" in sumario, f"o sumário não dá a página de {t} ({numero})"
    links = [a.get_object() for p in lidas["leitor"].pages[1:fim] for a in p.get("/Annots", [])]
    assert sum(1 for a in links if a.get("/Subtype") == "/Link" and "/Dest" in a) >= len(achados) - 1


def test_apostila_do_aluno_sem_solucoes_e_a_do_instrutor_com_todas(chromium, livro, apostilas):
    trechos = solucoes_do_livro(chromium, livro)
    assert len(trechos) >= 3 * len(LICOES)
    aluno = " ".join(apostilas["aluno"]["paginas"])
    instrutor = " ".join(apostilas["instrutor"]["paginas"])
    assert [t for t in trechos if t in aluno] == []
    assert [t for t in trechos if t not in instrutor] == []
    assert "Critérios de correção" not in aluno
    assert len(apostilas["instrutor"]["paginas"]) > len(apostilas["aluno"]["paginas"])


@pytest.mark.parametrize("versao", apostila.VERSOES)
def test_apostila_tem_todas_as_paginas_e_nada_so_da_web(apostilas, versao):
    texto = " ".join(apostilas[versao]["paginas"])
    paginas_esperadas = [p for p in PAGINAS if versao == "instrutor" or p != "instrutores"]
    faltam = [titulo(p) for p in paginas_esperadas if " ".join(titulo(p).split()) not in texto]
    assert faltam == [], f"títulos fora da apostila: {faltam}"
    assert "Quadros da animação" in texto  # os GIFs viram uma faixa de quadros
    # O que só vale no site (classe so-na-tela: "clique no selo") não vai para o papel.
    so_na_tela = re.findall(r'class="[^"]*\bso-na-tela\b[^"]*"[^>]*>(.*?)</',
                            (apostilas[versao]["caminho"].parents[1] / "singlehtml" / "intro.html").read_text(encoding="utf-8"), re.S)
    trechos = [texto_normal(re.sub(r"<[^>]+>", "", t))[:40] for t in so_na_tela]
    assert [t for t in trechos if len(t) > 10 and t in texto] == []


@pytest.mark.parametrize("versao", apostila.VERSOES)
def test_apostila_sem_tex_cru(apostilas, versao):
    texto = " ".join(apostilas[versao]["paginas"])
    cru = re.findall(r"\\\(|\\\[|\$\$|\\(?:frac|sum|mathbf|times|cdot|left|right|begin|end|star|quad)\b", texto)
    assert cru == []


# ------------------------------------------------------------------ as verificações funcionam

PAGINA_RUIM = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>ruim</title>
<script src="https://cdn.exemplo.invalid/biblioteca.js"></script></head>
<body><nav><button title="Toggle navigation">≡</button><button class="sem-nome"></button></nav>
<article class="bd-article">
<h1>Título</h1><h3>Pulou o h2</h3>
<p>Texto com \\(x^2\\) cru e $$y$$ também.</p>
<p><span class="math notranslate nohighlight">\\(z\\)</span></p>
<img src="../_images/nao-existe.png" alt="nao-existe.png">
<img src="boa.png">
<img src="https://imagens.exemplo.invalid/foto.png" alt="Uma foto">
<a href="sumiu.html">link quebrado</a> <a href="#nao-ha">âncora quebrada</a>
<p style="width: 900px">Um parágrafo largo demais para o celular.</p>
<div style="overflow-x: auto"><table style="width: 1500px"><tr><td>uma tabela larga, mesmo com rolagem</td></tr></table></div>
</article></body></html>"""

PAGINA_BOA = """<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>boa</title>
<script defer src="mathjax/tex-chtml.js"></script></head>
<body><article class="bd-article"><h1 id="topo">Fórmulas</h1><h2>Uma seção</h2>
<p>A saída tem <span class="math notranslate nohighlight">\\(\\lfloor (n + 2p - k)/s \\rfloor + 1\\)</span> linhas:</p>
<div class="math notranslate nohighlight">\\[Y_{i,j} = \\sum_{a,b} X_{i+a,\\,j+b}\\, K_{a,b}\\]</div>
<img src="boa.png" alt="Um quadrado cinza"> <a href="#topo">voltar ao início</a>
</article></body></html>"""

# Uma fórmula comprida numa rolagem, como a da lição 4 antes de ser quebrada em linhas.
PAGINA_CORTADA = PAGINA_BOA.replace("<h2>Uma seção</h2>", "<h2>Uma seção</h2>" + (
    '<div class="math notranslate nohighlight">\\[Y = '
    + " + ".join(f"X_{{{i}}}" for i in range(1, 40)) + '\\]</div>'))


def test_as_verificacoes_acusam_problemas(chromium, livro, tmp_path):
    (tmp_path / "ruim.html").write_text(PAGINA_RUIM, encoding="utf-8")
    (tmp_path / "boa.html").write_text(PAGINA_BOA, encoding="utf-8")
    (tmp_path / "cortada.html").write_text(PAGINA_CORTADA, encoding="utf-8")
    shutil.copy(next((livro / "html" / "_static" / "images").glob("*.png")), tmp_path / "boa.png")
    (tmp_path / "mathjax").symlink_to(livro / "html" / "mathjax", target_is_directory=True)
    with navegador.servir(tmp_path) as endereco:
        ruim = visitar(chromium, endereco, "ruim.html")
        boa = visitar(chromium, endereco, "boa.html")
        cortada = visitar(chromium, endereco, "cortada.html")
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
    # Cortado: a tabela e a fórmula largas, nas duas larguras (a rolagem não basta).
    cortes = " | ".join(ruim["cortes"] + cortada["cortes"])
    for largura in (390, 1366):
        assert f"{largura}px: fórmula de " in cortes and f"{largura}px: table de 1500px" in cortes
    # O axe acusa a imagem sem texto alternativo, o botão sem nome e a língua errada.
    axe = " | ".join(ruim["acessibilidade"])
    assert "image-alt (critical)" in axe and "button-name (critical)" in axe
    # E a página certa passa em tudo, com as fórmulas compostas pelo MathJax do livro, sem rede.
    assert boa["formulas"] == 2
    for verificacao in (problemas_de_rede, problemas_de_formulas, problemas_de_imagens,
                        problemas_de_titulos, problemas_de_largura, problemas_de_idioma):
        assert verificacao(boa) == [], verificacao.__name__
    assert boa["cortes"] == [] and boa["acessibilidade"] == []
    assert links_boa == []


# Uma página que imita o tema mas não funciona: cada interação tem de ser acusada.
PAGINA_QUEBRADA = """<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>quebrada</title>
<style>.bd-sidebar-primary { display: none } .bd-sidebar-secondary { display: none }
.solution section { display: none } .aberta { display: block !important }</style></head>
<body>
<button class="primary-toggle">☰</button>
<button class="secondary-toggle" onclick="document.querySelector('.bd-sidebar-secondary').classList.add('aberta')">≡</button>
<button class="search-button">buscar</button>
<div class="bd-sidebar-primary"><nav class="bd-docs-nav"><a href="quebrada.html">Início</a></nav></div>
<div class="bd-sidebar-secondary"><nav><a href="#topo">Nesta página</a></nav></div>
<div class="dropdown dropdown-launch-buttons"><button onclick="this.nextElementSibling.hidden = false">Abrir</button>
<ul hidden><li><a href="https://colab.research.google.com/github/outra-pessoa/outro-repositorio/blob/main/lessons/quebrada.ipynb">Colab</a></li></ul></div>
<div class="bd-article-container"><article class="bd-article">
<h1 id="topo">Página quebrada</h1>
<div class="solution dropdown admonition"><p class="admonition-title">Solução</p><section><p>Resposta.</p></section></div>
<div style="width: 700px">Um bloco largo demais, sem rolagem.</div>
<div style="overflow-x: auto"><pre style="width: 700px">Uma tabela larga, mas dentro de uma rolagem: pode.</pre></div>
</article>
<div class="prev-next-area"><a class="right-next" href="fim.html" style="display: inline-block; width: 600px">
<p class="prev-next-title">próximo: um título comprido que não cabe</p></a></div>
</div></body></html>"""

PAGINA_FIM = """<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8"><title>fim</title></head>
<body><article class="bd-article"><h1>Fim</h1></article></body></html>"""


def test_interacoes_acusam_problemas(chromium, tmp_path):
    (tmp_path / "quebrada.html").write_text(PAGINA_QUEBRADA, encoding="utf-8")
    (tmp_path / "fim.html").write_text(PAGINA_FIM, encoding="utf-8")
    cfg = {"repository": {"url": "https://github.com/curso-cnn-ptbr/camada-convolucional", "branch": "main"},
           "launch_buttons": {"colab_url": "https://colab.research.google.com"}}
    with navegador.servir(tmp_path) as endereco:
        with aberta(chromium, endereco, "quebrada.html", "celular") as (pagina, _):
            alternancia = pessoa.problemas_de_alternancia(pagina)
            assert "390px: clicar em button.primary-toggle não fez abrir a barra lateral (sumário do livro)" in alternancia
            assert "390px: depois de abrir, o sumário da página não voltou ao que era" in alternancia
            assert pessoa.problemas_de_solucao(pagina) == ["clicar no título da solução não a abriu"]
            assert pessoa.problemas_de_busca(pagina, "palavra", ["licao"]) == [
                "o botão de busca não abriu o campo de busca"]
            colab = pessoa.problemas_do_colab(pagina, cfg, RAIZ, "lessons/quebrada")
            assert colab == ["o link do Colab não começa por https://colab.research.google.com/github/"
                             "curso-cnn-ptbr/camada-convolucional/blob/main/: https://colab.research.google.com/"
                             "github/outra-pessoa/outro-repositorio/blob/main/lessons/quebrada.ipynb"]
            transbordo = pessoa.problemas_de_transbordo(pagina)
            assert any("Um bloco largo demais" in p for p in transbordo)
            assert not any("dentro de uma rolagem" in p for p in transbordo)
            cadeia = pessoa.problemas_da_cadeia(pagina, endereco, ["quebrada", "meio", "fim"])
            assert "390px: o link 'próximo' de quebrada passa da borda da tela" in cadeia
            assert any("a ordem foi ['quebrada', 'fim']" in p for p in cadeia)
        # Sem nenhum botão, a alternância também acusa.
        with aberta(chromium, endereco, "fim.html", "computador") as (pagina, _):
            assert pessoa.problemas_de_alternancia(pagina) == ["1366px: nenhum botão de alternância visível"]
            assert pessoa.problemas_de_solucao(pagina) == ["a página não tem solução para abrir"]
            assert pessoa.problemas_do_colab(pagina, cfg, RAIZ, "lessons/fim") == [
                "o botão do menu de lançamento não está visível"]
    # O link do Colab certo, mas para um notebook que não existe, também é acusado.
    href_ok = "https://colab.research.google.com/github/curso-cnn-ptbr/camada-convolucional/blob/main/"
    (tmp_path / "colab.html").write_text(PAGINA_QUEBRADA.replace(
        "https://colab.research.google.com/github/outra-pessoa/outro-repositorio/blob/main/", href_ok), encoding="utf-8")
    with navegador.servir(tmp_path) as endereco:
        with aberta(chromium, endereco, "colab.html", "tablet") as (pagina, _):
            assert pessoa.problemas_do_colab(pagina, cfg, RAIZ, "lessons/quebrada") == [
                "o notebook do link do Colab não existe no repositório: lessons/quebrada.ipynb"]


@pytest.mark.parametrize("versao", apostila.VERSOES)
def test_apostila_sem_pagina_orfa_e_explorador_como_figura(apostilas, versao):
    # Nenhuma página (fora a capa) com só uma ou duas linhas de texto.
    corpo = [re.sub(r"Página \d+ de \d+\s*$", "", p).strip() for p in apostilas[versao]["paginas"]]
    orfas = [(n, p[:60]) for n, p in enumerate(corpo, 1) if n > 1 and len(p) < 120]
    assert orfas == []
    # O explorador interativo vira a figura do seu estado inicial, não um formulário morto.
    texto = " ".join(corpo)
    assert "O explorador no seu estado inicial" in texto
    assert "Se você lê este aviso" not in texto


def test_apostila_do_aluno_leva_ao_site_para_a_pagina_dos_instrutores(apostilas):
    texto = " ".join(apostilas["aluno"]["paginas"])
    assert "(no site)" in texto
    links = [a.get_object() for p in apostilas["aluno"]["leitor"].pages for a in p.get("/Annots", [])]
    externos = [a["/A"].get("/URI") for a in links if "/A" in a and "/URI" in a["/A"]]
    assert repositorio.url_pagina("instrutores") in externos
