"""A página para instrutores cobre todas as lições e fica entre as lições e a bibliografia."""
import re
from pathlib import Path

import nbformat
import pytest
import yaml

RAIZ = Path(__file__).resolve().parents[1]
LICOES = sorted((RAIZ / "lessons").glob("*.ipynb"))
PAGINA = (RAIZ / "instrutores.md").read_text(encoding="utf-8")


def test_instrutores_no_sumario_depois_das_licoes_e_antes_da_bibliografia():
    from ferramentas import repositorio
    arquivos = repositorio.paginas_do_toc()
    posicao = arquivos.index("instrutores")
    assert all(arquivos.index(f"lessons/{l.stem}") < posicao for l in LICOES)
    assert arquivos.index("bibliografia") == posicao + 1


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.name)
def test_cada_licao_tem_secao_e_linha_de_tempo(licao):
    titulo = nbformat.read(licao, as_version=4).cells[0].source.split("\n")[0].lstrip("# ").strip()
    assert f"\n### {titulo}\n" in PAGINA
    assert f"<lessons/{licao.stem}>`" in PAGINA
    linha = next((l for l in PAGINA.split("\n") if l.startswith(f"| {titulo} |")), None)
    assert linha, f"{titulo} não está na tabela de tempos"
    tempos = yaml.safe_load((RAIZ / "ferramentas" / "tempos.yml").read_text(encoding="utf-8")) or {}
    for coluna, tipo in zip(linha.strip("| ").split(" | ")[1:], ("cpu", "gpu")):
        medida = tempos.get(licao.stem, {}).get(tipo)
        if medida:
            # A célula traz só o tempo e o número da nota; a nota, abaixo da tabela, traz a máquina.
            numero = re.fullmatch(r"\d+ (?:s|min)(?: \d+ s)? \((\d+)\)", coluna)
            assert numero, coluna
            assert f"\n({numero.group(1)}) {medida['maquina']};" in PAGINA, coluna
        else:
            assert coluna == "ainda não medido"


def test_tabela_de_exercicios_com_criterios_das_solucoes():
    from ferramentas import myst, paginas
    solucao = "A resposta é 600.\n\n**Critérios de correção:** 600 lotes;\naceite a conta | sem o resultado.\n\nFim."
    assert myst.criterios(solucao) == "600 lotes;\naceite a conta | sem o resultado."
    leitura = myst.Exercicio("ex-l0-lotes", 1, "00-preparando-o-ambiente", "?", solucao=solucao,
                             criterios=myst.criterios(solucao))
    auto = myst.Exercicio("ex-l1-horizontal", 3, "01-a-operacao-de-convolucao", "?", automatico=True)
    tabela = paginas.tabela_exercicios([leitura, auto]).split("\n")
    assert tabela[2].endswith("| por leitura | 600 lotes; aceite a conta \\| sem o resultado. |")
    assert "| automática | verificador `ex-l1-horizontal`" in tabela[3]


def test_pagina_lista_todos_os_exercicios_com_o_numero_do_site():
    from ferramentas import myst
    for e in myst.exercicios():
        linha = next((l for l in PAGINA.split("\n") if f"<{e.rotulo}>`" in l and l.startswith("| ")), None)
        assert linha and linha.startswith(f"| {{ref}}`Exercício {e.numero} <{e.rotulo}>`"), e.rotulo
        if not e.automatico and e.criterios:
            assert " ".join(e.criterios.split())[:40] in " ".join(linha.split()), e.rotulo
