"""As versões do aluno (ferramentas/versao_aluno.py) não trazem soluções e acompanham as lições."""
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest

RAIZ = Path(__file__).resolve().parents[1]
LICOES = sorted((RAIZ / "lessons").glob("*.ipynb"))
sys.path.insert(0, str(RAIZ / "ferramentas"))
import versao_aluno  # noqa: E402


def separar(nb):
    """Separa, sem usar o script, o texto de ``nb`` em soluções e resto.

    É solução: o corpo de cada diretiva ``{solution}`` (até a cerca de mesmo
    caractere e ao menos o mesmo tamanho), tudo entre ``{solution-start}`` e
    ``{solution-end}`` e o código das células com a etiqueta ``solucao``. O selo do
    Colab e o aviso da versão do aluno não entram em nenhuma parte. Devolve ``(solucoes, texto, codigo)``: as
    linhas de solução, as demais linhas de texto e as fontes das células de código
    que o aluno deve receber, em ordem.
    """
    solucoes, texto, codigo = [], [], []
    cerca = None       # cerca da diretiva de solução aberta
    portao = False     # dentro de {solution-start} ... {solution-end}
    for celula in nb.cells:
        if celula.cell_type == "code":
            if portao or "solucao" in celula.metadata.get("tags", []):
                solucoes += celula.source.split("\n")
                if not portao:
                    codigo.append(versao_aluno.LUGAR_DA_RESPOSTA)
            else:
                codigo.append(celula.source)
            continue
        for linha in celula.source.split("\n"):
            if linha.startswith(versao_aluno.MARCA_SELO) or linha == versao_aluno.AVISO:
                continue
            if cerca:
                solucoes.append(linha)
                c = linha.strip()
                if c and set(c) == {cerca[0]} and len(c) >= len(cerca):
                    cerca = None
                continue
            m = re.match(r"\s*(:{3,}|`{3,})\{solution(-start|-end)?\}", linha)
            if m:
                cerca = m.group(1)
                portao = {"-start": True, "-end": False}.get(m.group(2), portao)
                solucoes.append(linha)
            else:
                (solucoes if portao else texto).append(linha)
    return solucoes, texto, codigo


def nao_vazias(linhas):
    return Counter(l for l in linhas if l.strip())


@pytest.fixture(scope="module")
def versoes(tmp_path_factory):
    destino = tmp_path_factory.mktemp("estudantes")
    r = subprocess.run([sys.executable, str(RAIZ / "ferramentas" / "versao_aluno.py"), "--destino", str(destino)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return destino


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.name)
def test_versao_do_aluno_sem_solucoes_e_em_dia_com_a_licao(licao, versoes):
    original = nbformat.read(licao, as_version=4)
    aluno = nbformat.read(versoes / licao.name, as_version=4)
    conferir(original, aluno)


def conferir(original, aluno):
    nbformat.validate(aluno)
    solucoes, texto, codigo = separar(original)
    texto_aluno = "\n".join(c.source for c in aluno.cells)
    for i, celula in enumerate(aluno.cells):
        assert "solucao" not in celula.metadata.get("tags", []), f"célula {i} com a etiqueta solucao"
        if celula.cell_type == "code":
            assert celula.outputs == [] and celula.execution_count is None, f"célula {i} com saída"
    assert "{solution" not in texto_aluno
    assert aluno.cells[0].source.split("\n")[1] == versao_aluno.AVISO
    assert "colab.research.google.com" not in texto_aluno, "o selo abriria a versão com soluções"
    # Nenhuma linha das soluções aparece mais vezes do que a lição a diz fora delas.
    fora = Counter(l.strip() for l in texto + "\n".join(codigo).split("\n"))
    for linha in {l.strip() for l in solucoes if l.strip()}:
        assert texto_aluno.count(linha) <= sum(n * outra.count(linha) for outra, n in fora.items()), \
            f"vazou da solução: {linha!r}"
    # Todo o resto está lá: o mesmo texto e as mesmas células de código, na mesma ordem.
    _, texto_do_aluno, codigo_do_aluno = separar(aluno)
    assert nao_vazias(texto_do_aluno) == nao_vazias(texto)
    assert codigo_do_aluno == codigo


def licao_de_exemplo():
    """Uma lição pequena com as formas de solução que o script reconhece."""
    v4 = nbformat.v4
    celulas = [
        v4.new_markdown_cell("# Lição 9 — Exemplo\n<p class=\"selo-colab\"><a href=\"x\"><img alt=\"Abrir no Colab\"></a></p>"
                             "(https://colab.research.google.com/github/a/b/blob/main/lessons/x.ipynb)\n\nIntrodução."),
        v4.new_code_cell("print('preparação')"),
        v4.new_markdown_cell(
            "## Exercícios\n\n:::{exercise}\n:label: ex-a\nQuanto é 2 + 2?\n:::\n\n"
            ":::{solution} ex-a\n:class: dropdown\nA resposta é quatro.\n```python\nprint(2 + 2)\n```\n:::\n\n"
            "::::{solution} ex-b\n:::{note}\nNota dentro da solução.\n:::\nAinda na solução B.\n::::\n\n"
            "````{solution} ex-c\n```python\nsegredo_c = 3\n```\n````\nTexto depois das soluções."),
        v4.new_code_cell("resposta_a = 2 + 2\nprint(resposta_a)", metadata={"tags": ["solucao"]}),
        v4.new_code_cell("assert resposta_a == 4", metadata={"tags": ["verificacao"]}),
        v4.new_markdown_cell("Exercício D.\n\n```{solution-start} ex-d\n:class: dropdown\n```\nSolução D, em texto."),
        v4.new_code_cell("segredo_d = 42"),
        v4.new_markdown_cell("Fim da D.\n```{solution-end}\n```\n\n## Referências"),
    ]
    for i, c in enumerate(celulas):
        if c.cell_type == "code":
            c.execution_count = i
            c.outputs = [v4.new_output("stream", name="stdout", text="saída\n")]
    return v4.new_notebook(cells=celulas)


def test_versao_do_aluno_de_uma_licao_de_exemplo():
    original = licao_de_exemplo()
    aluno = versao_aluno.versao_do_aluno(original)
    conferir(original, aluno)
    texto = "\n".join(c.source for c in aluno.cells)
    for segredo in ("quatro", "print(2 + 2)", "Nota dentro", "Solução B", "segredo_c", "Solução D",
                    "segredo_d", "Fim da D", "resposta_a = 2 + 2"):
        assert segredo not in texto, segredo
    for fica in ("Quanto é 2 + 2?", "Texto depois das soluções.", "assert resposta_a == 4",
                 "Exercício D.", "## Referências", "Introdução.", versao_aluno.LUGAR_DA_RESPOSTA):
        assert fica in texto, fica
    assert [c.cell_type for c in aluno.cells] == ["markdown", "code", "markdown", "code", "code",
                                                  "markdown", "markdown"]
    assert original.cells[3].source.startswith("resposta_a"), "o original não pode ser alterado"


def test_conferencia_acusa_solucao_que_vazou():
    original = licao_de_exemplo()
    vazado = versao_aluno.versao_do_aluno(original)
    vazado.cells[2].source += "\n\nA resposta é quatro."
    with pytest.raises(AssertionError, match="vazou"):
        conferir(original, vazado)
    sem_um_paragrafo = versao_aluno.versao_do_aluno(original)
    sem_um_paragrafo.cells[0].source = f"# Lição 9 — Exemplo\n{versao_aluno.AVISO}"
    with pytest.raises(AssertionError):
        conferir(original, sem_um_paragrafo)


def test_portao_sem_fim_e_um_erro():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\n```{solution-start} x\n```\nabc")])
    with pytest.raises(ValueError, match="solution-end"):
        versao_aluno.versao_do_aluno(nb)
