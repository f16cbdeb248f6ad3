"""O livro monta sem avisos e as lições seguem as convenções do curso."""
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

RAIZ = Path(__file__).resolve().parents[1]
LICOES = sorted((RAIZ / "lessons").glob("*.ipynb"))


def test_livro_monta_sem_avisos(livro):
    html = livro / "html"
    assert (html / "index.html").is_file()
    for licao in LICOES:
        pagina = html / "lessons" / f"{licao.stem}.html"
        assert pagina.is_file(), pagina
        assert 'lang="pt-BR"' in pagina.read_text(encoding="utf-8")


def test_exercicios_numerados_por_licao_no_site(livro):
    """O site numera "Exercício 4.2" (lição 04, 2º exercício), igual a ferramentas/myst.py."""
    from ferramentas import myst
    todos = myst.exercicios()
    for licao in LICOES:
        pagina = (livro / "html" / "lessons" / f"{licao.stem}.html").read_text(encoding="utf-8")
        no_site = re.findall(r'<p class="admonition-title"><span class="caption-number">Exercício ([\d.]+) </span>', pagina)
        esperados = [e.numero for e in todos if e.licao == licao.stem and e.numero]
        assert no_site == esperados, licao.name
        assert all(n.startswith(f"{int(licao.stem[:2])}.") for n in no_site)


def test_toda_licao_esta_no_sumario():
    toc = (RAIZ / "_toc.yml").read_text(encoding="utf-8")
    for licao in LICOES:
        assert f"lessons/{licao.stem}" in toc, f"{licao.name} não está no _toc.yml"


def test_celula_de_preparacao_e_selo_em_sincronia():
    r = subprocess.run([sys.executable, "-m", "ferramentas.sincronizar", "--verificar"],
                       cwd=RAIZ, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.name)
def test_celulas_ignoradas_pelo_nbval_dizem_por_que(licao):
    nb = nbformat.read(licao, as_version=4)
    for i, celula in enumerate(nb.cells):
        tags = celula.metadata.get("tags", [])
        if any(t.startswith("nbval-") for t in tags):
            assert celula.metadata.get("motivo_nbval", "").strip(), f"célula {i} ignorada sem motivo"
        if celula.cell_type == "code":
            assert celula.outputs or "nbval-skip" in tags or not celula.source.strip() or celula.execution_count, \
                f"célula {i} sem saída guardada: execute a lição com python -m ferramentas.executar"


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.name)
def test_saidas_guardadas_sem_widgets(licao):
    """Widgets guardados fariam o site buscar o require.js fora (e não funcionam sem kernel)."""
    nb = nbformat.read(licao, as_version=4)
    assert "widgets" not in nb.metadata
    for i, celula in enumerate(nb.cells):
        for saida in celula.get("outputs", []):
            assert not any("widget" in tipo for tipo in saida.get("data", {})), f"célula {i} guardou um widget"


@pytest.mark.parametrize("licao", LICOES, ids=lambda p: p.name)
def test_licao_abre_e_fecha_do_mesmo_jeito(licao):
    nb = nbformat.read(licao, as_version=4)
    textos = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert textos[0].startswith("# ") and "Objetivos" in textos[0]
    # Do resumo ao fim só há três seções: Resumo, Exercícios e Referências, nessa ordem
    # (as soluções que rodam código ocupam várias células entre as duas últimas).
    inicio = max((i for i, t in enumerate(textos) if "## Resumo" in t), default=None)
    assert inicio is not None, f"{licao.name}: falta '## Resumo' no fim"
    final = "\n".join(textos[inicio:])
    secoes = [l for l in final.split("\n") if l.startswith("## ")]
    assert secoes == ["## Resumo", "## Exercícios", "## Referências"], f"{licao.name}: seções do fim {secoes}"
    assert "{cite:t}`" in final.split("## Referências")[1], f"{licao.name}: referências sem citação"
