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
    toc = yaml.safe_load((RAIZ / "_toc.yml").read_text(encoding="utf-8"))
    arquivos = [c["file"] for c in toc["chapters"]]
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
            assert medida["maquina"] in coluna and re.match(r"\d+ (s|min)", coluna), coluna
        else:
            assert coluna == "ainda não medido"
