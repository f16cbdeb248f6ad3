"""A correção (python -m ferramentas.corrigir) dá a nota certa a cada tipo de entrega.

Os notebooks dos "alunos" saem da edição do aluno da lição 1 (o título, a célula
de preparação e a seção de exercícios, para o teste ser rápido). O exercício
corrigido é o das bordas horizontais, com um verificador escrito aqui com
``cursoconv.exercicios.base`` (o contrato que todos os verificadores do curso seguem),
para que o teste não dependa dos verificadores das lições, escritos à parte.
"""
import csv
import json

import nbformat
import pytest

from ferramentas import corrigir, myst, repositorio

LICAO = "01-a-operacao-de-convolucao"
ROTULO = "ex-teste-bordas"
VERIFICACAO = f'''\
from cursoconv import conv
from cursoconv.exercicios import base as verificacao
import torch

@verificacao.verificador("{ROTULO}", "bordas horizontais (teste)")
def verificar_bordas_teste(K):
    K = verificacao.como_tensor(K, "o núcleo")
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    Y = conv.corr2d(X.t(), K)
    if Y.abs().sum() == 0:
        return ["a saída é toda zero"]
    if conv.corr2d(torch.ones((8, 6)), K).abs().max() > 1e-6:
        return ["numa região de cor constante a saída deve ser zero"]
    return []

verificar_bordas_teste(K_horizontal)'''

RESPOSTAS = {
    "certo.ipynb": "K_horizontal = torch.tensor([[1.0], [-1.0]])",
    "errado.ipynb": "K_horizontal = torch.tensor([[1.0], [1.0]])",
    "em-branco.ipynb": None,  # a célula como veio na edição do aluno
    "malformado.ipynb": 'K_horizontal = "um núcleo"',
    "levanta.ipynb": 'raise ValueError("não sei")\nK_horizontal = torch.tensor([[1.0], [-1.0]])',
    "infinito.ipynb": ("import time\nwhile True:\n    try:\n        time.sleep(0.2)\n"
                       "    except KeyboardInterrupt:\n        pass  # ignora até o Stop"),
    "megabytes.ipynb": 'print("x" * 5_000_000)\nK_horizontal = torch.tensor([[1.0], [-1.0]])',
    "apaga.ipynb": ("import os, shutil, glob\n"
                    "for f in set(glob.glob('../**/*.ipynb', recursive=True) + glob.glob('*')):\n"
                    "    if os.path.exists(f):\n"
                    "        shutil.rmtree(f, ignore_errors=True) if os.path.isdir(f) else os.remove(f)\n"
                    "shutil.rmtree(os.path.expanduser('~'), ignore_errors=True)\n"
                    "K_horizontal = torch.tensor([[-1.0], [1.0]])"),
}
ESPERADO = {"certo.ipynb": "correto", "errado.ipynb": "errado", "em-branco.ipynb": "sem resposta",
            "malformado.ipynb": "errado", "levanta.ipynb": "erro", "infinito.ipynb": "tempo esgotado",
            "megabytes.ipynb": "correto", "apaga.ipynb": "correto"}


def notebook_do_aluno(resposta):
    """A edição do aluno da lição 1, reduzida à preparação e aos exercícios, com a resposta dada."""
    nb = nbformat.read(repositorio.EDICAO_ALUNO / f"{LICAO}.ipynb", as_version=4)
    exercicios = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Exercícios"))
    preparacao = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells = [nb.cells[0], nb.cells[preparacao]] + nb.cells[exercicios:]
    resposta_i = next(i for i, c in enumerate(nb.cells) if "K_horizontal = None" in c.source)
    nb.cells[resposta_i + 1].source = VERIFICACAO
    if resposta is not None:
        nb.cells[resposta_i].source = "import torch\n" + resposta
    nb.cells = nb.cells[:resposta_i + 2]
    return nb


@pytest.fixture(scope="module")
def correcao(tmp_path_factory):
    pasta = tmp_path_factory.mktemp("entregas")
    for nome, resposta in RESPOSTAS.items():
        nb = notebook_do_aluno(resposta)
        if nome == "em-branco.ipynb":
            nb.metadata.pop("cursoconv")  # reconhecida pelo título, não pelos metadados
        nbformat.write(nb, pasta / nome)
    (pasta / "subpasta").mkdir()
    nbformat.write(notebook_do_aluno(RESPOSTAS["certo.ipynb"]), pasta / "subpasta" / "Cópia de aula (1).ipynb")
    (pasta / "quebrado.ipynb").write_text("{isto não é json", encoding="utf-8")
    originais = {p: p.read_bytes() for p in pasta.rglob("*.ipynb")}
    exercicios = myst.exercicios()
    teste = myst.Exercicio(ROTULO, 99, LICAO, "Bordas (teste)", automatico=True,
                           verificadores=["verificar_bordas_teste"])
    mp = pytest.MonkeyPatch()
    mp.setattr(myst, "exercicios", lambda: exercicios + [teste])
    try:
        corrigir.corrigir(pasta, limite=45, limite_celula=20, max_saida=100_000)
    finally:
        mp.undo()
    with open(pasta / "notas.csv", encoding="utf-8") as f:
        linhas = {l["arquivo"]: l for l in csv.DictReader(f)}
    return pasta, linhas, originais


def test_cada_entrega_tem_a_nota_certa(correcao):
    _, linhas, _ = correcao
    obtido = {nome: linhas[nome][ROTULO] for nome in ESPERADO}
    assert obtido == ESPERADO
    assert linhas["subpasta/Cópia de aula (1).ipynb"][ROTULO] == "correto"
    for nome in ESPERADO:
        assert linhas[nome]["licao"] == LICAO


def test_todas_as_celulas_da_planilha(correcao):
    """Cada célula de exercício tem um dos cinco estados; as outras lições não têm colunas."""
    _, linhas, _ = correcao
    colunas = [c for c in next(iter(linhas.values())) if c not in ("arquivo", "licao", "situacao")]
    automaticos = {e.rotulo for e in myst.exercicios() if e.licao == LICAO and e.automatico} | {ROTULO}
    assert set(colunas) == automaticos
    for nome, linha in linhas.items():
        for coluna in colunas:
            if nome == "quebrado.ipynb":
                assert linha[coluna] == ""
            else:
                assert linha[coluna] in corrigir.ESTADOS, (nome, coluna, linha[coluna])
    assert linhas["quebrado.ipynb"]["situacao"].startswith("arquivo ilegível")
    assert linhas["infinito.ipynb"]["situacao"].startswith("tempo esgotado")
    assert linhas["certo.ipynb"]["situacao"] == "rodou até o fim"


def test_resumo_com_as_mensagens_dos_verificadores(correcao):
    pasta, _, _ = correcao
    resumo = (pasta / "notas.md").read_text(encoding="utf-8")
    assert "## errado.ipynb" in resumo and "a saída é toda zero" not in resumo.split("## errado.ipynb")[0]
    trecho_errado = resumo.split("## errado.ipynb")[1].split("\n## ")[0]
    assert "numa região de cor constante a saída deve ser zero" in trecho_errado
    trecho_malformado = resumo.split("## malformado.ipynb")[1].split("\n## ")[0]
    assert "o núcleo deve ser um tensor" in trecho_malformado
    trecho_levanta = resumo.split("## levanta.ipynb")[1].split("\n## ")[0]
    assert "NameError" in trecho_levanta
    assert "Corrija lendo" in resumo


def test_nenhuma_entrega_prejudica_as_outras(correcao):
    pasta, _, originais = correcao
    for caminho, conteudo in originais.items():
        assert caminho.read_bytes() == conteudo, f"{caminho.name} foi alterado"


def test_reconhece_a_licao_pelo_conteudo():
    titulos = {l.stem: repositorio.titulo_da_licao(repositorio.ler_licao(l)) for l in repositorio.licoes()}
    for licao in repositorio.licoes():
        for pasta in (repositorio.EDICAO_ALUNO, repositorio.EDICAO_COLAB):
            nb = json.loads((pasta / licao.name).read_text(encoding="utf-8"))
            assert corrigir.reconhecer(nb, titulos) == licao.stem
            nb["metadata"].pop("cursoconv")
            assert corrigir.reconhecer(nb, titulos) == licao.stem
    assert corrigir.reconhecer({"cells": [{"cell_type": "markdown", "source": "# Outra coisa"}]}, titulos) == ""
