"""As edições Colab e do aluno (python -m ferramentas.edicoes) estão em dia e sem MyST cru.

Cada célula de texto é renderizada com o markdown-it-py (CommonMark, o que o
Jupyter, o Colab e o VS Code entendem), e o HTML resultante não pode ter
diretivas, papéis nem links para arquivos que não existem no que é publicado.
A edição do aluno não pode ter nenhuma linha de nenhuma solução.
"""
import re
from collections import Counter
from html.parser import HTMLParser

import nbformat
import pytest
from markdown_it import MarkdownIt

from ferramentas import cabecalho, edicoes, myst, repositorio, sincronizar, site_colab

LICOES = repositorio.licoes()
EDICOES = [(pasta, licao) for licao in LICOES for pasta in ("colab", "aluno")]
PROIBIDOS = (":::{", "```{", "{cite", "{ref}", "{numref}", "{doc}", "{eq}", "{term}", "{solution", "{exercise")


def ler(pasta, licao):
    return nbformat.read(repositorio.EDICOES / pasta / licao.name, as_version=4)


def test_edicoes_e_licoes_em_dia():
    assert edicoes.main(["--verificar"]) == 0, "edições desatualizadas: rode make edicoes"
    assert sincronizar.main(verificar=True) == 0, "lições fora de sincronia: rode make edicoes"


def test_so_ha_edicoes_das_licoes_do_sumario():
    for pasta in (repositorio.EDICAO_COLAB, repositorio.EDICAO_ALUNO):
        assert sorted(p.name for p in pasta.glob("*.ipynb")) == sorted(l.name for l in LICOES)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alvos = []

    def handle_starttag(self, tag, attrs):
        for nome, valor in attrs:
            if nome in ("href", "src") and valor:
                self.alvos.append(valor)


def publicado(alvo):
    """O link existe no que é publicado (site no GitHub Pages, repositório no GitHub/Colab)?"""
    if alvo.startswith(("data:image/", "#", "mailto:")):
        return True
    dono, nome = repositorio.dono_e_nome()
    site = repositorio.url_site()
    if alvo.startswith(site):
        pagina = alvo[len(site):].split("#")[0]
        return pagina.endswith(".html") and pagina[:-len(".html")] in repositorio.paginas_do_toc()
    for prefixo in (f"{repositorio.COLAB}/github/{dono}/{nome}/blob/{repositorio.versao()}/",
                    f"https://raw.githubusercontent.com/{dono}/{nome}/{repositorio.versao()}/",
                    f"https://github.com/{dono}/{nome}/blob/{repositorio.versao()}/"):
        if alvo.startswith(prefixo):
            return (repositorio.RAIZ / alvo[len(prefixo):].split("#")[0]).is_file()
    if re.match(r"https?://", alvo):  # fora do curso: não pode ser um .md/.ipynb solto
        return not re.search(r"\.(md|ipynb)(#.*)?$", alvo) or "github.com" in alvo
    return False  # relativo: não existe no Colab


@pytest.mark.parametrize("pasta,licao", EDICOES, ids=lambda v: getattr(v, "stem", v))
def test_markdown_sem_myst_e_links_publicados(pasta, licao):
    md = MarkdownIt("commonmark")
    for i, celula in enumerate(ler(pasta, licao).cells):
        if celula.cell_type != "markdown":
            continue
        html = md.render(celula.source)
        for proibido in PROIBIDOS:
            assert proibido not in html, f"célula {i}: {proibido!r} no texto renderizado"
        assert not re.search(r"^:[\w-]+:", celula.source, re.M), f"célula {i}: opção de diretiva solta"
        leitor = Links()
        leitor.feed(html)
        for alvo in leitor.alvos:
            assert publicado(alvo), f"célula {i}: link {alvo} não existe no que é publicado"


def test_publicado_acusa_links_mortos():
    assert not publicado("../bibliografia.md")
    assert not publicado(repositorio.url_site() + "nao-existe.html")
    assert not publicado(repositorio.url_colab("edicoes/colab/99-nao-existe.ipynb"))
    assert publicado(repositorio.url_pagina("bibliografia"))
    assert publicado(repositorio.url_colab(f"edicoes/aluno/{LICOES[0].name}"))


def test_exercicios_numerados_como_no_site():
    """Numerados por lição: "4.2" é o 2º exercício da lição 04 (como no site)."""
    todos = myst.exercicios()
    for licao in LICOES:
        numeros = [e.numero for e in todos if e.licao == licao.stem]
        assert numeros == [f"{int(licao.stem[:2])}.{k}" for k in range(1, len(numeros) + 1)]
    for licao in LICOES:
        daqui = [e for e in todos if e.licao == licao.stem]
        for pasta in ("colab", "aluno"):
            texto = "\n".join(c.source for c in ler(pasta, licao).cells if c.cell_type == "markdown")
            titulos = re.findall(r'<a id="(ex-[\w-]+)"></a>\s*#### Exercício (\d+\.\d+)', texto)
            assert titulos == [(e.rotulo, str(e.numero)) for e in daqui]


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.stem)
def test_edicao_colab_tem_solucoes_e_saidas(licao):
    original = repositorio.ler_licao(licao)
    colab = ler("colab", licao)
    assert [c.outputs for c in colab.cells if c.cell_type == "code"] == \
           [c.outputs for c in original.cells if c.cell_type == "code"]
    texto = "\n".join(c.source for c in colab.cells)
    for e in myst.exercicios():
        if e.licao == licao.stem and e.solucao:
            assert f"Solução do exercício {e.numero}</strong>" in texto
    assert texto.count("<details>") == texto.count("</details>")
    assert colab.metadata["cursoconv"]["licao"] == licao.stem


def selo(nb):
    m = re.search(r'<p class="selo-colab"><a href="([^"]+)">', nb.cells[0].source)
    return m and m.group(1)


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.stem)
def test_selos_abrem_a_propria_edicao(licao):
    for pasta in ("colab", "aluno"):
        assert selo(ler(pasta, licao)) == repositorio.url_colab(f"edicoes/{pasta}/{licao.name}")
    # A lição (e portanto o site) abre a edição Colab.
    assert selo(repositorio.ler_licao(licao)) == repositorio.url_colab(f"edicoes/colab/{licao.name}")


def test_botao_do_site_abre_a_edicao_colab():
    url = "https://colab.research.google.com/github/dono/nome/blob/main/lessons/01-x.ipynb"
    assert site_colab.endereco_da_edicao(url, "lessons/01-x") == repositorio.url_colab("edicoes/colab/01-x.ipynb")
    assert repositorio.url_colab("edicoes/colab/01-x.ipynb").endswith(f"/blob/{repositorio.versao()}/edicoes/colab/01-x.ipynb")
    assert site_colab.endereco_da_edicao(url, "intro") == url


# --------------------------------------------------------------- sem soluções

def separar(nb):
    """Separa, sem usar o gerador, o texto de uma lição em soluções e resto.

    É solução: o corpo de cada diretiva ``{solution}`` (até a cerca de mesmo
    caractere e ao menos o mesmo tamanho), tudo entre ``{solution-start}`` e
    ``{solution-end}`` e o código das células com a etiqueta ``solucao``.
    Devolve ``(blocos, resto)``: a lista das soluções (cada uma, uma lista de
    linhas) e as demais linhas (texto e código que o aluno pode receber).
    """
    blocos, resto = [], []
    cerca, portao = None, False
    for celula in nb.cells:
        if celula.cell_type == "code":
            if portao or "solucao" in celula.metadata.get("tags", []):
                blocos.append(celula.source.split("\n"))
                if not portao:
                    resto += edicoes.lugar_da_resposta(celula.source).split("\n")
            else:
                resto += celula.source.split("\n")
            continue
        for linha in celula.source.split("\n"):
            if cerca:
                blocos[-1].append(linha)
                c = linha.strip()
                if c and set(c) == {cerca[0]} and len(c) >= len(cerca):
                    cerca = None
                continue
            m = re.match(r"\s*(:{3,}|`{3,})\{solution(-start|-end)?\}", linha)
            if m:
                cerca = m.group(1)
                if m.group(2) != "-end":
                    blocos.append([])
                portao = {"-start": True, "-end": False}.get(m.group(2), portao)
            elif portao:
                blocos[-1].append(linha)
            else:
                resto.append(linha)
    return blocos, resto


def vazamentos(original, aluno):
    blocos, resto = separar(original)
    fora = Counter(l.strip() for l in resto)
    texto_aluno = [l.strip() for c in aluno.cells for l in c.source.split("\n")]
    achados = []
    for bloco in blocos:
        for linha in {l.strip() for l in bloco if len(l.strip()) > 3 and set(l.strip()) - set(":`-")}:
            if sum(linha in l for l in texto_aluno) > sum(n for l, n in fora.items() if linha in l):
                achados.append(linha)
    return blocos, achados


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.stem)
def test_edicao_do_aluno_sem_solucoes_nem_saidas(licao):
    original = repositorio.ler_licao(licao)
    aluno = ler("aluno", licao)
    blocos, achados = vazamentos(original, aluno)
    assert blocos, "a lição não tem soluções?"
    assert achados == [], f"vazou da solução: {achados[:3]}"
    texto = "\n".join(c.source for c in aluno.cells)
    assert myst.CRITERIOS not in texto and "<details>" not in texto
    for i, celula in enumerate(aluno.cells):
        assert "solucao" not in celula.metadata.get("tags", []), f"célula {i} com a etiqueta solucao"
        if celula.cell_type == "code":
            assert celula.outputs == [] and celula.execution_count is None, f"célula {i} com saída"
    assert f"<p>{MarkdownIt('commonmark').renderInline(edicoes.AVISO)}</p>" in \
        MarkdownIt("commonmark").render(aluno.cells[0].source)
    assert aluno.metadata["cursoconv"] == {**aluno.metadata["cursoconv"], "licao": licao.stem, "edicao": "aluno"}


def licao_de_exemplo():
    """Uma lição pequena com as formas de solução e de MyST que o gerador reconhece."""
    v4 = nbformat.v4
    celulas = [
        v4.new_markdown_cell("# Lição 9 — Exemplo\n\nIntrodução {cite:p}`lecun1998gradient`, "
                             "[bibliografia](../bibliografia.md) e {doc}`a lição 1 <01-a-operacao-de-convolucao>`."),
        v4.new_code_cell("print('preparação')"),
        v4.new_markdown_cell(
            "(sec-ex)=\n## Exercícios\n\n:::{note}\nUma nota com {cite:t}`dumoulin2016guide`.\n:::\n\n"
            ":::{exercise}\n:label: ex-l1-horizontal\nQuanto é 2 + 2?\n:::\n\n"
            ":::{solution} ex-l1-horizontal\n:class: dropdown\nA resposta é quatro.\n\n"
            "**Critérios de correção:** aceite 4.\n```python\nprint(2 + 2)\n```\n:::\n\n"
            "::::{solution} ex-l1-rapida\n:::{note}\nNota dentro da solução.\n:::\nAinda na solução B.\n::::\n\n"
            "````{solution} ex-l1-inversa\n```python\nsegredo_c = 3\n```\n````\nVeja {ref}`ex-l1-horizontal`."),
        v4.new_code_cell("def resposta(x):\n    return 2 + 2\nvalor = resposta(1)", metadata={"tags": ["solucao"]}),
        v4.new_code_cell("assert valor == 4", metadata={"tags": ["verificacao"]}),
        v4.new_markdown_cell("Exercício D.\n\n```{solution-start} ex-l1-taxa\n:class: dropdown\n```\nSolução D."),
        v4.new_code_cell("segredo_d = 42"),
        v4.new_markdown_cell("Fim da D.\n```{solution-end}\n```\n\n## Referências"),
    ]
    for i, c in enumerate(celulas):
        if c.cell_type == "code":
            c.execution_count = i
            c.outputs = [v4.new_output("stream", name="stdout", text="saída\n")]
    return v4.new_notebook(cells=celulas)


def gerar_exemplo(tmp_path, monkeypatch, aluno):
    caminho = tmp_path / "09-exemplo.ipynb"
    nbformat.write(licao_de_exemplo(), caminho)
    monkeypatch.setattr(repositorio, "relativo", lambda p: f"edicoes/x/{p.name}")
    return edicoes.edicao(caminho, edicoes.Contexto(), aluno)[1]


def test_exemplo_edicao_colab(tmp_path, monkeypatch):
    nb = gerar_exemplo(tmp_path, monkeypatch, aluno=False)
    texto = "\n".join(c.source for c in nb.cells)
    site = repositorio.url_site()
    assert f"([LeCun et al., 1998]({site}bibliografia.html))" in texto
    assert f"[Dumoulin e Visin (2016)]({site}bibliografia.html)" in texto
    assert f"[bibliografia]({site}bibliografia.html)" in texto
    assert f"[a lição 1]({site}lessons/01-a-operacao-de-convolucao.html)" in texto
    assert "> **Nota.** Uma nota com" in texto
    assert '<a id="sec-ex"></a>' in texto
    numero = next(e.numero for e in myst.exercicios() if e.rotulo == "ex-l1-horizontal")
    assert f"#### Exercício {numero}\n\nQuanto é 2 + 2?" in texto
    assert f"<summary><strong>Solução do exercício {numero}</strong>" in texto
    assert f"[Exercício {numero}]({site}lessons/01-a-operacao-de-convolucao.html#ex-l1-horizontal)" in texto
    for fica in ("A resposta é quatro.", "Nota dentro da solução.", "segredo_c = 3", "Solução D.", "segredo_d = 42"):
        assert fica in texto, fica
    assert nb.cells[3].outputs, "a edição Colab guarda as saídas"


def test_exemplo_edicao_do_aluno(tmp_path, monkeypatch):
    original = licao_de_exemplo()
    nb = gerar_exemplo(tmp_path, monkeypatch, aluno=True)
    texto = "\n".join(c.source for c in nb.cells)
    for segredo in ("quatro", "print(2 + 2)", "Nota dentro", "solução B", "segredo_c", "Solução D",
                    "segredo_d", "Fim da D", "return 2 + 2", "Critérios", "aceite 4"):
        assert segredo not in texto, segredo
    for fica in ("Quanto é 2 + 2?", "assert valor == 4", "Exercício D.", "## Referências", "Introdução",
                 edicoes.LUGAR_DA_RESPOSTA, "def resposta(x):\n    raise NotImplementedError",
                 "valor = None"):
        assert fica in texto, fica
    assert vazamentos(original, nb)[1] == []
    vazado = nbformat.from_dict(nb)
    vazado.cells[2].source += "\n\nA resposta é quatro."
    assert vazamentos(original, vazado)[1] == ["A resposta é quatro."]


@pytest.fixture(scope="module")
def geradas():
    """As edições do aluno geradas agora (não as guardadas), para conferir o gerador."""
    ctx = edicoes.Contexto()
    return {licao.stem: edicoes.edicao(licao, ctx, aluno=True)[1] for licao in LICOES}


def test_aviso_do_aluno_em_italico_no_jupyter(geradas):
    """Colado ao selo (um bloco HTML), o aviso mostrava os asteriscos; agora é um parágrafo em itálico."""
    md = MarkdownIt("commonmark")
    for nb in geradas.values():
        html = md.render(nb.cells[0].source)
        assert "<p><em>Versão para o aluno:" in html and "*Versão" not in html
    grudado = f"# T\n{cabecalho.linha_selo('https://x')}\n{edicoes.AVISO}"
    assert "*Versão" in md.render(grudado), "o teste não distingue o defeito"


def test_identificacao_e_celulas_de_resposta(geradas):
    """Identificação logo abaixo do título; uma célula de resposta (com título) por exercício escrito."""
    todos = myst.exercicios()
    for licao, nb in geradas.items():
        assert nb.cells[1].id == "identificacao" and 'NOME = ""' in nb.cells[1].source
        respostas = {c.metadata["cursoconv"]["resposta"]: i for i, c in enumerate(nb.cells)
                     if "resposta" in c.metadata.get("cursoconv", {})}
        for ex in (e for e in todos if e.licao == licao):
            assert ex.rotulo in respostas, f"{licao}: {ex.rotulo} sem célula de resposta"
            i = respostas[ex.rotulo]
            if not ex.automatico:
                assert nb.cells[i].cell_type == "markdown" and nb.cells[i].source == edicoes.LUGAR_DO_TEXTO
                assert nb.cells[i - 1].source.startswith(f"#### Resposta do Exercício {ex.numero}")
        assert len({c.id for c in nb.cells}) == len(nb.cells), "ids repetidos"
    # Na lição 4, os enunciados estão todos numa célula: cada resposta tem o seu título.
    licao4 = next(l for l in geradas if l.startswith("04-"))
    for ex in (e for e in todos if e.licao == licao4):
        nb = geradas[licao4]
        i = next(k for k, c in enumerate(nb.cells) if c.metadata.get("cursoconv", {}).get("resposta") == ex.rotulo)
        assert nb.cells[i - 1].source.startswith(f"#### Resposta do Exercício {ex.numero}")
