"""Executa lições de verdade e guarda as saídas nos próprios notebooks.

    python ferramentas/executar.py lessons/00-preparando-o-ambiente.ipynb [...]

As saídas guardadas são as que o site mostra, por isso rode com os dados
completos (``FASHION_MNIST_DIR`` apontando para os quatro .gz, ou os dados já
em ``~/.pytorch/datasets/fashion-mnist``) e sem ``CURSO_RAPIDO``. As barras de
progresso são desligadas (``TQDM_DISABLE=1``) para não poluir as saídas; as
linhas impressas por época continuam lá. O tempo de cada lição é impresso.
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def executar(caminho, limite=1800):
    caminho = Path(caminho)
    nb = nbformat.read(caminho, as_version=4)
    inicio = time.perf_counter()
    NotebookClient(nb, timeout=limite, kernel_name="python3",
                   resources={"metadata": {"path": str(caminho.parent)}}).execute()
    duracao = time.perf_counter() - inicio
    nbformat.write(nb, caminho)
    return duracao


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if os.environ.get("CURSO_RAPIDO"):
        sys.exit("Desligue CURSO_RAPIDO: as saídas guardadas vêm dos dados completos.")
    os.environ["TQDM_DISABLE"] = "1"
    for arquivo in sys.argv[1:]:
        print(f"{arquivo}: {executar(arquivo):.1f} s", flush=True)
