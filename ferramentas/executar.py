"""Executa lições de verdade, guarda as saídas nos próprios notebooks e anota o tempo.

    python -m ferramentas.executar lessons/00-preparando-o-ambiente.ipynb [...]
    python -m ferramentas.executar --todas      # todas as lições do _toc.yml

As saídas guardadas são as que o site mostra, por isso rode com os dados
completos (``FASHION_MNIST_DIR`` apontando para os quatro .gz, ou os dados já
em ``~/.pytorch/datasets/fashion-mnist``) e sem ``CURSO_RAPIDO``. As barras de
progresso são desligadas (``TQDM_DISABLE=1``) para não poluir as saídas; as
linhas impressas por época continuam lá.

O tempo de cada lição é impresso e anotado em ``ferramentas/tempos.yml``, sob o
nome do arquivo da lição e o tipo de máquina (``cpu`` ou ``gpu``), com a
descrição do hardware. A página para instrutores mostra esses tempos (depois de
``python -m ferramentas.sincronizar``). Uma cópia da lição em outra pasta anota
o tempo com o mesmo nome, sem mexer na lição do repositório.
"""
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

from ferramentas import repositorio

CABECALHO_TEMPOS = """\
# Tempo para executar cada lição do início ao fim com os dados completos
# (segundos), anotado por python -m ferramentas.executar: não edite à mão. A página
# instrutores.md é refeita a partir daqui por python -m ferramentas.sincronizar.
"""


def executar(caminho, limite=1800):
    caminho = Path(caminho)
    nb = nbformat.read(caminho, as_version=4)
    # Estado de widgets de uma execução anterior não vale para esta (e faria o site buscar o require.js).
    nb.metadata.pop("widgets", None)
    inicio = time.perf_counter()
    NotebookClient(nb, timeout=limite, kernel_name="python3",
                   resources={"metadata": {"path": str(caminho.parent)}}).execute()
    duracao = time.perf_counter() - inicio
    nbformat.write(nb, caminho)
    return duracao


def nome_da_cpu():
    try:
        for linha in Path("/proc/cpuinfo").read_text().splitlines():
            if linha.startswith("model name"):
                return linha.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def maquina():
    """Devolve ``(tipo, descrição)`` da máquina em que as lições rodam agora."""
    import torch
    nucleos = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = f"{nome_da_cpu()}, {nucleos} núcleos"
    if torch.cuda.is_available():
        return "gpu", f"{torch.cuda.get_device_name(0)} (CPU {cpu})"
    return "cpu", cpu


def anotar(licao, duracao, tipo, descricao):
    import torch
    tempos = repositorio.tempos()
    tempos.setdefault(Path(licao).stem, {})[tipo] = {
        "segundos": round(duracao, 1), "maquina": descricao,
        "pytorch": torch.__version__.split("+")[0], "data": datetime.date.today().isoformat()}
    texto = CABECALHO_TEMPOS + yaml.safe_dump(tempos, allow_unicode=True, sort_keys=True)
    repositorio.TEMPOS.write_text(texto, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if os.environ.get("CURSO_RAPIDO"):
        sys.exit("Desligue CURSO_RAPIDO: as saídas guardadas vêm dos dados completos.")
    os.environ["TQDM_DISABLE"] = "1"
    tipo, descricao = maquina()
    arquivos = repositorio.licoes() if sys.argv[1:] == ["--todas"] else sys.argv[1:]
    for arquivo in arquivos:
        duracao = executar(arquivo)
        anotar(arquivo, duracao, tipo, descricao)
        print(f"{arquivo}: {duracao:.1f} s ({tipo}: {descricao})", flush=True)
