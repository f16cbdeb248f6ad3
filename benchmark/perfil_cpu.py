"""Onde o laço do curso gasta a mais que um laço simples na CPU: operações do PyTorch por lote.

Roda, com o ``torch.profiler``, uma época curta (``--lotes`` lotes de 128 do
subconjunto do modo rápido, mais o teste) de cada laço de ``benchmark.py --cpu``
e imprime, por operação, quantas vezes ela rodou e o tempo de CPU próprio. As
contagens não dependem da carga da máquina; os tempos, sim.

    python benchmark/perfil_cpu.py --lotes 20
"""
import argparse
import contextlib
import io
import os
import sys

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("CURSO_RAPIDO", "1")
from benchmark import LOTE, LR, TAMANHO, WEIGHT_DECAY, epoca_pytorch_simples  # noqa: E402

from cursoconv import lenet, utils  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lotes", type=int, default=20)
    p.add_argument("--nucleos", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.nucleos)
    Xtr, ytr, Xte, yte = utils._ler_subconjunto()
    n = LOTE * args.lotes
    tr = utils.CarregadorDeTensores(utils.para_tensores(Xtr[:n], (TAMANHO, TAMANHO)), ytr[:n], LOTE, True)
    te = utils.CarregadorDeTensores(utils.para_tensores(Xte[:LOTE * 2], (TAMANHO, TAMANHO)), yte[:LOTE * 2],
                                    LOTE, False)
    contagens = {}
    for nome in ("simples", "curso", "simples", "curso"):  # a 1ª rodada de cada um só aquece
        utils.fixar_semente(0)
        net = lenet.lenet5_moderna()
        otimizador = torch.optim.SGD(net.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
        with profile(activities=[ProfilerActivity.CPU]) as perfil, contextlib.redirect_stdout(io.StringIO()):
            if nome == "simples":
                epoca_pytorch_simples(net, tr, te, otimizador, nn.CrossEntropyLoss())
            else:
                utils.train_validate(net, tr, te, LOTE, otimizador, nn.CrossEntropyLoss(), 1, device="cpu",
                                     barra=False)
        contagens[nome] = {e.key: (e.count, e.self_cpu_time_total) for e in perfil.key_averages()}
    nomes = sorted(set(contagens["simples"]) | set(contagens["curso"]),
                   key=lambda k: -abs(contagens["curso"].get(k, (0, 0))[1] - contagens["simples"].get(k, (0, 0))[1]))
    total = {k: sum(t for _, t in v.values()) / 1e3 for k, v in contagens.items()}
    print(f"{args.lotes} lotes de treino + 2 de teste; tempo de CPU próprio somado: simples {total['simples']:.1f} ms, "
          f"curso {total['curso']:.1f} ms")
    print(f"{'operação':<42} {'vezes (simples)':>15} {'vezes (curso)':>13} {'ms (simples)':>12} {'ms (curso)':>10}")
    for k in nomes[:25]:
        (cs, ts), (cc, tc) = contagens["simples"].get(k, (0, 0)), contagens["curso"].get(k, (0, 0))
        print(f"{k[:42]:<42} {cs:>15} {cc:>13} {ts / 1e3:>12.2f} {tc / 1e3:>10.2f}")


if __name__ == "__main__":
    main()
