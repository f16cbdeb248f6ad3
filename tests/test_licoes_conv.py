"""As lições 1 a 4 mostram o mesmo código do módulo, e cada figura tem legenda e texto alternativo."""
import ast
import inspect
import textwrap
from pathlib import Path

import nbformat
import pytest

from cursoconv import conv

RAIZ = Path(__file__).resolve().parents[1]
LICOES = {
    "01-a-operacao-de-convolucao.ipynb": {"corr2d", "CamadaConv2D", "conv2d_de_verdade"},
    "02-multiplos-canais.ipynb": {"corr2d_multi_in", "corr2d_multi_in_out", "corr2d_multi_in_out_1x1",
                                  "contar_parametros", "contar_multiplicacoes"},
    "03-preenchimento-e-passo.ipynb": {"corr2d_passo", "tamanho_saida"},
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


@pytest.mark.parametrize("nome", sorted(LICOES))
def test_exercicios_guardados_sem_resposta(nome):
    # Os verificadores rodam sobre o esboço em branco: a saída guardada diz que falta responder.
    verificacoes = [c for c in ler(nome).cells if c.cell_type == "code" and ".verificar_" in c.source]
    assert verificacoes
    for celula in verificacoes:
        texto = "".join(s.get("text", "") for s in celula.outputs)
        assert "ainda não respondido" in texto.lower(), celula.source
