"""A planilha de notas abre numa planilha de verdade: o LibreOffice a converte e lemos as células.

``soffice --headless --convert-to xlsx`` (Debian ``libreoffice-calc-nogui``; ``make
testes`` o instala) abre o CSV como o LibreOffice em português o abre (``;``,
UTF-8, pt-BR) e grava um ``.xlsx``, que o openpyxl lê de volta.
"""
import shutil
import subprocess

import pytest

from correcao import corrigir, planilha
from ferramentas import myst

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def entregas_de_exemplo():
    todos = myst.exercicios()
    licao = next(e.licao for e in todos if e.licao.startswith("04-"))
    automaticos = [e for e in todos if e.licao == licao and e.automatico]
    certa = corrigir.Entrega("Cópia de aula (1).ipynb", licao, "José da Silva; \"Zé\"", "2024-001", "rodou até o fim",
                             estados={e.rotulo: "correto" for e in automaticos})
    hostil = corrigir.Entrega("=SOMA(1;2).ipynb", licao, "=1+1", "-5", "rodou até o fim",
                              estados={e.rotulo: "errado" for e in automaticos})
    hostil.estados[automaticos[0].rotulo] = "correto"
    return todos, licao, automaticos, [certa, hostil]


def test_csv_com_bom_ponto_e_virgula_e_colunas_dos_exercicios():
    todos, licao, automaticos, entregas = entregas_de_exemplo()
    linhas = planilha.tabela(entregas, licao, todos)
    texto = planilha.csv_texto(linhas)
    assert texto.startswith("\ufeffarquivo;nome;matrícula;situação;Ex. 4.1 ")
    assert "(leitura)" in linhas[0][-2]
    assert linhas[1][-1] == str(len(automaticos)) and linhas[2][-1] == "1"
    assert planilha.tabela(entregas, licao, todos, pontos={**planilha.PONTOS, "errado": 0.5})[2][-1] == \
        str(1 + 0.5 * (len(automaticos) - 1)).replace(".", ",").rstrip("0").rstrip(",")


@pytest.mark.skipif(SOFFICE is None, reason="sem o LibreOffice (make testes o instala com apt)")
def test_libreoffice_le_os_valores_nas_celulas_certas(tmp_path):
    from openpyxl import load_workbook
    todos, licao, automaticos, entregas = entregas_de_exemplo()
    csv = tmp_path / "notas.csv"
    csv.write_text(planilha.csv_texto(planilha.tabela(entregas, licao, todos)), encoding="utf-8", newline="")
    perfil = tmp_path / "perfil"
    r = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{perfil}", "--headless",
                        "--infilter=CSV:59,34,76,1,,1046", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                        str(csv)], capture_output=True, text=True, timeout=180)
    assert (tmp_path / "notas.xlsx").is_file(), r.stdout + r.stderr
    folha = load_workbook(tmp_path / "notas.xlsx").active
    valores = [[c.value for c in linha] for linha in folha.iter_rows()]
    n = len(automaticos)
    assert valores[0][:5] == ["arquivo", "nome", "matrícula", "situação", planilha.coluna(automaticos[0], todos)]
    assert valores[1][:4] == ["Cópia de aula (1).ipynb", "José da Silva; \"Zé\"", "2024-001", "rodou até o fim"]
    assert valores[1][4:4 + n] == ["correto"] * n
    assert valores[1][-1] == n  # um número, não um texto
    # Nada do aluno vira fórmula nem número.
    assert valores[2][:3] == ["'=SOMA(1;2).ipynb", "'=1+1", "'-5"] or valores[2][:3] == ["=SOMA(1;2).ipynb", "=1+1", "-5"]
    assert valores[2][-1] == 1
