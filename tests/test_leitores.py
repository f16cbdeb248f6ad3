"""O site para todo leitor: teclado, leitor de tela e celular, em 390 px e em 1366 px.

Cada teste age como uma pessoa (toca, aperta Tab, rola) numa página de verdade do
livro, e o mesmo teste roda numa cópia "sem os ajustes" (o ``_static/curso.css`` e o
``_static/curso.js`` vazios, e o MathJax pondo as fórmulas na ordem do Tab), que
reproduz os problemas de antes: ali cada verificação tem de acusar o problema.
As páginas vêm do ``_toc.yml`` (a primeira lição com solução que tenha link no título).
"""
import contextlib
import re

import pytest

from ferramentas import navegador, repositorio
from tests import pessoa

CELULAR = {"width": 390, "height": 844}
COMPUTADOR = {"width": 1366, "height": 900}
TELAS = {"celular": CELULAR, "computador": COMPUTADOR}
PAGINAS = repositorio.paginas_do_toc()
LICOES = [p for p in PAGINAS if p.startswith("lessons/")]
# Uma lição do meio do livro: tem fórmulas, código, exercícios e soluções.
LICAO = LICOES[min(1, len(LICOES) - 1)]
# No modo escuro: a página inicial, a dos instrutores e uma lição com figuras, código,
# fórmulas e o explorador com preenchimento (as células cinza sob a janela).
PAGINAS_ESCURO = ["intro", next((l for l in LICOES if "preenchimento" in l), LICAO), "instrutores"]


@pytest.fixture(scope="module")
def site(livro):
    with navegador.servir(livro / "html") as endereco:
        yield endereco


def _sem_ajustes(rota):
    """A resposta sem os ajustes do curso: curso.css e curso.js vazios; fórmulas no Tab."""
    url = rota.request.url
    if re.search(r"/_static/curso\.(css|js)(\?|$)", url):
        rota.fulfill(status=200, body="", content_type="text/css" if ".css" in url else "text/javascript")
    elif url.split("?")[0].endswith(".html"):
        resposta = rota.fetch()
        rota.fulfill(response=resposta, body=resposta.text().replace('"inTabOrder": false', '"inTabOrder": true'))
    else:
        rota.fallback()


@contextlib.contextmanager
def aberta(chromium, endereco, caminho, tela, ajustes=True):
    contexto = chromium.new_context(viewport=TELAS[tela], is_mobile=tela == "celular",
                                    has_touch=tela == "celular")
    try:
        pagina = contexto.new_page()
        registro = navegador.Registro(pagina)
        if not ajustes:
            pagina.route("**/*", _sem_ajustes)  # registrada depois: roda antes da do Registro
        pagina.goto(endereco + caminho, wait_until="load", timeout=navegador.ESPERA_MS)
        navegador.esperar_mathjax(pagina)
        pagina.wait_for_load_state("networkidle", timeout=navegador.ESPERA_MS)
        yield pagina, registro
    finally:
        contexto.close()


@pytest.mark.parametrize("tela", TELAS)
def test_teclado_foco_visivel_e_formulas_fora_do_tab(chromium, site, tela):
    with aberta(chromium, site, f"{LICAO}.html", tela) as (pagina, registro):
        assert pessoa.problemas_de_foco(pagina) == []
        assert pessoa.problemas_de_nomes(pagina) == []
        assert registro.problemas() == []


def test_menu_da_pagina_fecha_depois_do_toque(chromium, site):
    with aberta(chromium, site, f"{LICAO}.html", "celular") as (pagina, registro):
        assert pessoa.problemas_do_menu_da_pagina(pagina) == []
        assert registro.problemas() == []


@pytest.mark.parametrize("tela", TELAS)
def test_titulo_da_solucao_abre_a_solucao(chromium, site, tela):
    with aberta(chromium, site, f"{LICAO}.html", tela) as (pagina, registro):
        assert pessoa.problemas_do_titulo_da_solucao(pagina, registro) == []
        assert registro.problemas() == []


@pytest.mark.parametrize("tela", TELAS)
@pytest.mark.parametrize("caminho", [LICAO, LICOES[-1]])
def test_voltar_ao_topo_nao_cobre_o_texto(chromium, site, tela, caminho):
    with aberta(chromium, site, f"{caminho}.html", tela) as (pagina, registro):
        assert pessoa.problemas_do_voltar_ao_topo(pagina) == []
        assert registro.problemas() == []


@pytest.mark.parametrize("caminho", ["intro", LICAO])
def test_alvos_de_toque_de_44px_no_celular(chromium, site, caminho):
    with aberta(chromium, site, f"{caminho}.html", "celular") as (pagina, registro):
        assert pessoa.problemas_de_alvos_de_toque(pagina) == []
        assert registro.problemas() == []


def test_sem_os_ajustes_cada_verificacao_acusa(chromium, site):
    """A página de antes dos ajustes: cada problema do relatório (issue 18) é acusado."""
    with aberta(chromium, site, f"{LICAO}.html", "computador", ajustes=False) as (pagina, registro):
        foco = pessoa.problemas_de_foco(pagina)
        assert any(p.startswith("foco invisível") for p in foco), foco
        assert any(p.startswith("o Tab parou numa fórmula") for p in foco), foco
        nomes = pessoa.problemas_de_nomes(pagina)
        assert any("botões de copiar sem nome" in p for p in nomes) and any("fórmulas na ordem do Tab" in p for p in nomes)
        solucao = pessoa.problemas_do_titulo_da_solucao(pagina, registro)
        assert any("button is not defined" in p for p in solucao), solucao
    with aberta(chromium, site, f"{LICAO}.html", "celular", ajustes=False) as (pagina, registro):
        assert any(p.startswith("alvo de toque menor que 44 px") for p in pessoa.problemas_de_alvos_de_toque(pagina))
        assert any(p.startswith("'Voltar ao topo' cobre") for p in pessoa.problemas_do_voltar_ao_topo(pagina))
    with aberta(chromium, site, f"{LICAO}.html", "celular", ajustes=False) as (pagina, registro):
        menu = pessoa.problemas_do_menu_da_pagina(pagina)
        assert any("continuou aberto por cima do texto" in p for p in menu), menu


def _sem_acentos(texto):
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFD", texto) if not unicodedata.combining(c)).lower()


def _busca(pagina, digitado, palavra):
    """Busca ``digitado`` (sem acentos); devolve (problemas, trechos) conferindo as lições com ``palavra``."""
    import nbformat
    esperadas = [l for l in LICOES if palavra in "\n".join(
        c.source for c in nbformat.read(repositorio.RAIZ / f"{l}.ipynb", as_version=4).cells
        if c.cell_type == "markdown").lower()]
    assert esperadas, f"nenhuma lição fala de {palavra!r}"
    problemas = pessoa.problemas_de_busca(pagina, digitado, esperadas)
    trechos = pagina.locator("#search-results p.context").all_inner_texts()
    sem_palavra = [t[:60] for t in trechos if _sem_acentos(digitado) not in _sem_acentos(t)]
    return problemas + [f"trecho sem a palavra buscada: {t!r}" for t in sem_palavra], trechos


@pytest.mark.parametrize("tela", TELAS)
def test_busca_sem_acentos_com_trecho_em_volta(chromium, site, tela):
    with aberta(chromium, site, "intro.html", tela) as (pagina, registro):
        problemas, trechos = _busca(pagina, "convolucao", "convolução")
        assert problemas == [] and trechos
        assert registro.problemas() == []
    with aberta(chromium, site, "intro.html", tela) as (pagina, registro):
        problemas, _ = _busca(pagina, "convolução", "convolução")  # com acentos, também
        assert problemas == []


def test_busca_sem_os_ajustes_mostra_trechos_sem_a_palavra(chromium, site):
    with aberta(chromium, site, "intro.html", "computador", ajustes=False) as (pagina, _):
        problemas, _ = _busca(pagina, "convolucao", "convolução")
        assert any(p.startswith("trecho sem a palavra buscada") for p in problemas), problemas


# ------------------------------------------------------------------ modo escuro

@pytest.mark.parametrize("tela", TELAS)
@pytest.mark.parametrize("caminho", PAGINAS_ESCURO)
def test_modo_escuro_pelo_botao_do_tema(chromium, site, tela, caminho):
    with aberta(chromium, site, f"{caminho}.html", tela) as (pagina, registro):
        assert pessoa.ligar_modo_escuro(pagina) == []
        assert pessoa.problemas_do_modo_escuro(pagina) == []
        assert registro.problemas() == []


def _sem_os_ajustes_do_escuro(rota):
    """O site como era: sem a parte do modo escuro do curso.css, e o explorador com o texto
    cinza do preenchimento também sob a janela azul (3,4:1 no modo escuro)."""
    url = rota.request.url
    if re.search(r"/_static/curso\.css(\?|$)", url):
        css = rota.fetch().text().split("/* Modo escuro")[0]
        rota.fulfill(status=200, body=css, content_type="text/css")
    elif url.split("?")[0].endswith(".html"):
        resposta = rota.fetch()
        corpo = resposta.text().replace("td.cc-jan{background:var(--cc-jan);color:var(--cc-texto);",
                                         "td.cc-jan{background:var(--cc-jan);")
        rota.fulfill(response=resposta, body=corpo)
    else:
        rota.fallback()


def test_modo_escuro_acusa_o_site_sem_os_ajustes(chromium, site):
    caminho = PAGINAS_ESCURO[1]
    contexto = chromium.new_context(viewport=CELULAR, is_mobile=True, has_touch=True)
    try:
        pagina = contexto.new_page()
        navegador.Registro(pagina)
        pagina.route("**/*", _sem_os_ajustes_do_escuro)  # registrada depois: roda antes da do Registro
        pagina.goto(f"{site}{caminho}.html", wait_until="load", timeout=navegador.ESPERA_MS)
        assert pessoa.ligar_modo_escuro(pagina) == []
        problemas = " | ".join(pessoa.problemas_do_modo_escuro(pagina))
        # Números de um algarismo com pouco contraste: o axe só os acusa com texto_curto.
        assert "color-contrast (serious)" in problemas and ".cc-jan.cc-pad" in problemas, problemas
        assert "selo do Colab com filtro" in problemas, problemas
        assert not any(".cc-jan" in p for p in pessoa.acessibilidade(pagina))
    finally:
        contexto.close()


def test_figura_da_licao_ocupa_a_coluna_que_o_teste_das_figuras_supoe(chromium, site):
    """tests/test_figuras.py mede as letras numa coluna de COLUNA_CELULAR px: é a do livro a 390 px."""
    from test_figuras import COLUNA_CELULAR
    with aberta(chromium, site, f"{LICOES[-1]}.html", "celular") as (pagina, _):
        # As figuras mais largas que a coluna encolhem para caber nela: todas com a mesma largura.
        larguras = pagina.locator(".cell_output img").evaluate_all(
            "is => is.filter(i => i.naturalWidth > 400).map(i => i.getBoundingClientRect().width)")
    assert larguras and all(abs(w - COLUNA_CELULAR) <= 1 for w in larguras), larguras
