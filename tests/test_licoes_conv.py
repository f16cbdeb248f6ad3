"""As lições 1 a 4 mostram o mesmo código do módulo, e cada figura tem legenda e texto alternativo."""
import ast
import importlib
import inspect
import re
import textwrap
from pathlib import Path

import nbformat
import pytest

from cursoconv import conv

RAIZ = Path(__file__).resolve().parents[1]
LICOES = {
    "01-a-operacao-de-convolucao.ipynb": {"exigir", "corr2d", "CamadaConv2D", "conv2d_de_verdade"},
    "02-multiplos-canais.ipynb": {"corr2d_multi_in", "corr2d_multi_in_out", "corr2d_multi_in_out_1x1",
                                  "contar_parametros", "contar_multiplicacoes"},
    "03-preenchimento-e-passo.ipynb": {"par", "corr2d_passo", "tamanho_saida"},
    "04-agrupamento.ipynb": {"pool2d", "pool2d_passo", "pool2d_canais"},
}
ANIMACOES = set(LICOES)


def ler(nome):
    return nbformat.read(RAIZ / "lessons" / nome, as_version=4)


def definicoes(nb):
    """Nome -> código de cada função ou classe definida no nível de cima de uma célula."""
    achadas = {}
    for celula in nb.cells:
        if celula.cell_type != "code":
            continue
        arvore = ast.parse(celula.source)
        for no in arvore.body:
            if isinstance(no, (ast.FunctionDef, ast.ClassDef)):
                achadas[no.name] = ast.get_source_segment(celula.source, no)
    return achadas


@pytest.mark.parametrize("nome", sorted(LICOES))
def test_codigo_da_licao_e_o_do_modulo(nome):
    achadas = definicoes(ler(nome))
    assert LICOES[nome] <= set(achadas), f"{nome}: faltam {LICOES[nome] - set(achadas)}"
    for funcao in LICOES[nome]:
        do_modulo = textwrap.dedent(inspect.getsource(getattr(conv, funcao))).strip()
        assert achadas[funcao].strip() == do_modulo, f"{nome}: {funcao} difere de cursoconv/conv.py"


def celulas_com_imagem(nb):
    for i, celula in enumerate(nb.cells):
        if celula.cell_type != "code":
            continue
        tipos = {t for saida in celula.outputs for t in saida.get("data", {}) if t.startswith("image/")}
        if tipos:
            yield i, celula, tipos


@pytest.mark.parametrize("nome", sorted(LICOES))
def test_toda_figura_tem_texto_alternativo_e_legenda_em_portugues(nome):
    nb = ler(nome)
    achou = False
    for i, celula, _ in celulas_com_imagem(nb):
        achou = True
        meta = celula.metadata.get("mystnb", {})
        alt = meta.get("image", {}).get("alt", "")
        legenda = meta.get("figure", {}).get("caption", "")
        assert len(alt) > 40 and (" de " in alt or " da " in alt), f"{nome}, célula {i}: texto alternativo"
        assert legenda and meta["figure"].get("name", "").startswith("fig-"), f"{nome}, célula {i}: legenda"
    assert achou


def test_nomes_das_figuras_nao_se_repetem():
    nomes = [c.metadata["mystnb"]["figure"]["name"] for nome in LICOES
             for _, c, _ in celulas_com_imagem(ler(nome))]
    assert len(nomes) == len(set(nomes))


@pytest.mark.parametrize("nome", sorted(ANIMACOES))
def test_licao_tem_animacao_gif(nome):
    assert any("image/gif" in tipos for _, _, tipos in celulas_com_imagem(ler(nome)))


# ---------------------------------------------------------------- exercícios das lições 0 a 3

LICOES_COM_EXERCICIOS = ["00-preparando-o-ambiente.ipynb", *sorted(n for n in LICOES if n < "04")]
# A lição 4 (agrupamento) tem os seus verificadores em cursoconv/exercicios/licao4.py (tests/test_agrupamento.py).
LICOES_COM_VERIFICADOR = ["00-preparando-o-ambiente.ipynb", *sorted(LICOES)]
EXERCICIO = re.compile(r"^:::\{exercise\}\n:label: (ex-l\d-[\w-]+)$", re.MULTILINE)
SOLUCAO = re.compile(r"^:::\{solution\} (ex-l\d-[\w-]+)\n(.*?)^:::$", re.MULTILINE | re.DOTALL)
# Solução com células de código: {solution-start} ... {solution-end}, com as células de código no meio.
SOLUCAO_EM_CELULAS = re.compile(r"^```\{solution-start\} (ex-l\d-[\w-]+)\n(?::.*\n)*```\n(.*?)^```\{solution-end\}\n```$",
                                re.MULTILINE | re.DOTALL)
CODIGO = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def exercicios(nb):
    """Rótulo -> (texto da solução, nome do verificador chamado numa célula de código, ou None).

    As células de código entram no texto como blocos ```python, para que as soluções
    escritas entre {solution-start} e {solution-end} tragam o seu código."""
    textos = "\n".join(c.source if c.cell_type == "markdown" else f"```python\n{c.source}\n```" for c in nb.cells)
    rotulos = EXERCICIO.findall(textos)
    solucoes = dict(SOLUCAO.findall(textos)) | dict(SOLUCAO_EM_CELULAS.findall(textos))
    verificadores = {}
    for celula in nb.cells:
        if celula.cell_type == "code":
            for n, nome in re.findall(r"licao(\d)\.(verificar_\w+)\(", celula.source):
                modulo = importlib.import_module(f"cursoconv.exercicios.licao{n}")
                verificadores[getattr(modulo, nome).rotulo] = nome
    return {r: (solucoes.get(r), verificadores.get(r)) for r in rotulos}


def test_exercicios_das_licoes_0_a_3_tem_verificador_ou_criterios():
    verificados, por_leitura = [], []
    for nome in LICOES_COM_EXERCICIOS:
        for rotulo, (solucao, verificador) in exercicios(ler(nome)).items():
            assert solucao, f"{rotulo} sem solução"
            if verificador:
                verificados.append(rotulo)
            else:
                assert "**Critérios de correção:**" in solucao, f"{rotulo}: nem verificador nem critérios"
                por_leitura.append(rotulo)
    assert len(verificados) == 13 and sorted(por_leitura) == ["ex-l1-inversa", "ex-l1-taxa", "ex-l2-composicao"]


@pytest.mark.parametrize("nome", LICOES_COM_VERIFICADOR)
def test_exercicios_guardados_sem_resposta(nome):
    # Os verificadores rodam sobre a célula de resposta em branco: a saída guardada diz que falta responder.
    verificacoes = [c for c in ler(nome).cells if c.cell_type == "code" and ".verificar_" in c.source]
    assert verificacoes
    for celula in verificacoes:
        texto = "".join(s.get("text", "") for s in celula.outputs)
        assert texto.startswith("Exercício «") and ": ainda não respondido." in texto, celula.source


@pytest.mark.parametrize("nome", LICOES_COM_EXERCICIOS)
def test_solucoes_do_texto_passam_no_verificador(nome, capsys):
    """O código de cada solução, rodado antes da célula de conferência da lição, dá "correto"."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    from cursoconv import utils
    from cursoconv.exercicios import base, licao0, licao1, licao2, licao3

    nb = ler(nome)
    chamadas = {}
    for celula in nb.cells:
        if celula.cell_type == "code":
            for n, nome_verificador in re.findall(r"licao(\d)\.(verificar_\w+)\(", celula.source):
                modulo = (licao0, licao1, licao2, licao3)[int(n)]
                chamadas[getattr(modulo, nome_verificador).rotulo] = celula.source
    definicoes_da_licao = "\n\n".join(definicoes(nb).values())
    for rotulo, (solucao, verificador) in exercicios(nb).items():
        if not verificador:
            continue
        ambiente = {"torch": torch, "F": F, "nn": nn, "conv": conv, "exigir": conv.exigir, "utils": utils,
                    "licao0": licao0, "licao1": licao1, "licao2": licao2, "licao3": licao3}
        exec(definicoes_da_licao, ambiente)
        if rotulo == "ex-l0-medias":  # a solução usa o lote X, y da lição
            ambiente["X"], ambiente["y"] = torch.rand(256, 1, 28, 28), torch.arange(256) % 10
        for bloco in CODIGO.findall(solucao):
            exec(bloco, ambiente)
        base.RESULTADOS.pop(rotulo, None)
        exec(chamadas[rotulo], ambiente)
        saida = capsys.readouterr().out
        assert base.RESULTADOS[rotulo]["estado"] == "correto", f"{rotulo}: {saida}"
