"""Perfil de uma iteração de treino da variante da LeNet-5 (lote 128) na GPU.

Mede, com o torch.profiler, o tempo dos kernels de uma iteração gravada num grafo
CUDA em três configurações que não mudam a matemática: a padrão, com
``cudnn.benchmark`` (o cuDNN testa e escolhe o algoritmo mais rápido) e com
``cudnn.benchmark`` mais ``channels_last`` (outra disposição dos dados na
memória). Imprime os kernels mais caros de cada uma.

    python benchmark/perfil.py
"""
import itertools
import time

import torch
from torch import nn

from cursoconv import lenet, treino, utils
from cursoconv.grafo_cuda import GrafoCUDA


def medir(benchmark_cudnn, canais_no_fim, iteracoes=200):
    torch.backends.cudnn.benchmark = benchmark_cudnn
    utils.fixar_semente(0)
    formato = torch.channels_last if canais_no_fim else torch.contiguous_format
    net = lenet.lenet5_variante().cuda().to(memory_format=formato)
    trainer = torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=1e-6)
    loss = nn.CrossEntropyLoss()
    X, y = torch.rand(60000, 1, 32, 32), torch.randint(0, 10, (60000,))
    carregador = utils.CarregadorDeTensores(X, y, 128, True)
    iteracao = treino.Iteracao(net, trainer, loss, torch.device("cuda"))
    grafo = GrafoCUDA(iteracao, carregador, torch.device("cuda"))
    grafo.X = grafo.X.to(memory_format=formato)
    for _ in itertools.islice(grafo.iteracoes(), 10):  # aquecimento e gravação do grafo
        pass
    torch.cuda.synchronize()
    inicio = time.perf_counter()
    for _ in itertools.islice(grafo.iteracoes(), iteracoes):
        pass
    torch.cuda.synchronize()
    por_iteracao = (time.perf_counter() - inicio) / iteracoes
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        for _ in itertools.islice(grafo.iteracoes(), 50):
            pass
        torch.cuda.synchronize()
    nome = f"cudnn.benchmark={benchmark_cudnn}, channels_last={canais_no_fim}"
    print(f"\n=== {nome}: {por_iteracao * 1e3:.3f} ms por iteração (relógio), "
          f"{por_iteracao * 469:.3f} s por época de 469 iterações")
    print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=40, max_name_column_width=70))
    return por_iteracao


if __name__ == "__main__":
    print(utils.descrever_dispositivo(), torch.__version__)
    for config in ((False, False), (True, False), (True, True)):
        medir(*config)
