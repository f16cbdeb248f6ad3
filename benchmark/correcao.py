"""Quanto custa a caixa da correção, e quantos notebooks por minuto ela corrige.

    python benchmark/correcao.py [--entregas 20] [-j 2] [--licao 04]

1. O custo da caixa por notebook: abrir um núcleo e rodar uma célula vazia, com
   e sem a caixa do bubblewrap (a mediana de ``--repeticoes`` vezes); a
   diferença é o que a caixa acrescenta a cada notebook.
2. A vazão: uma pasta com ``--entregas`` cópias da edição do aluno da lição
   (com as respostas certas, quando a lição é a 4), corrigida com ``-j N`` com
   e sem isolamento; imprime notebooks por minuto.

Rode da raiz do repositório, com o Python do ambiente do curso (.venv).
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RAIZ))

import nbformat  # noqa: E402

from correcao import caixa, corrigir  # noqa: E402
from ferramentas import edicoes, repositorio  # noqa: E402


def custo_da_caixa(repeticoes):
    """Segundos para abrir o núcleo e rodar uma célula, com e sem a caixa (medianas)."""
    tempos = {}
    for isolar in (False, True):
        medidas = []
        for _ in range(repeticoes):
            with tempfile.TemporaryDirectory(dir=corrigir.TEMPORARIA) as pasta:
                privada = Path(pasta)
                privada.chmod(0o755)
                nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
                nbformat.write(nb, privada / "entrega.ipynb")
                (privada / "config.json").write_text(json.dumps(
                    {"limite": 120, "limite_celula": 60, "max_saida": 100_000,
                     "limites": asdict(caixa.Limites()), "isolar": isolar}), encoding="utf-8")
                inicio = time.monotonic()
                subprocess.run([sys.executable, "-m", "correcao.rodar", str(privada)], cwd=RAIZ, check=True,
                               capture_output=True, env={"PYTHONPATH": str(RAIZ), "PATH": "/usr/bin:/bin"})
                medidas.append(time.monotonic() - inicio)
        tempos[isolar] = statistics.median(medidas)
    return tempos[False], tempos[True]


def vazao(n, j, licao):
    caminho = next(l for l in repositorio.licoes() if l.stem.startswith(licao))
    nb = edicoes.edicao(caminho, edicoes.Contexto(), aluno=True)[1]
    if caminho.stem.startswith("04-"):
        sys.path.insert(0, str(RAIZ / "tests"))
        from test_correcao import CERTA, resposta
        for rotulo, fonte in CERTA.items():
            resposta(nb, rotulo, fonte)
    resultados = {}
    for isolar in (False, True):
        with tempfile.TemporaryDirectory() as pasta:
            for i in range(n):
                nbformat.write(nb, Path(pasta) / f"aluno-{i:02d}.ipynb")
            inicio = time.monotonic()
            corrigir.corrigir(pasta, j=j, isolar=isolar, mostrar=lambda texto: None)
            resultados[isolar] = time.monotonic() - inicio
    return caminho.stem, resultados


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entregas", type=int, default=20)
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--licao", default="04", help="começo do nome da lição (padrão: 04)")
    parser.add_argument("--repeticoes", type=int, default=5)
    args = parser.parse_args(argv)
    import os
    print(f"Máquina: {os.cpu_count()} núcleos; bwrap: "
          + subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip())
    sem, com = custo_da_caixa(args.repeticoes)
    print(f"Abrir o núcleo e rodar uma célula: {sem:.2f} s sem a caixa, {com:.2f} s com a caixa "
          f"(custo da caixa: {com - sem:+.2f} s por notebook)")
    licao, tempos = vazao(args.entregas, args.j, args.licao)
    for isolar, segundos in tempos.items():
        print(f"{args.entregas} entregas da lição {licao}, -j {args.j}, "
              f"{'com' if isolar else 'sem'} isolamento: {segundos:.0f} s, "
              f"{args.entregas / segundos * 60:.1f} notebooks por minuto")


if __name__ == "__main__":
    main()
