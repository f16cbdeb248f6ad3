"""Onde o laço do curso gasta a mais que um laço simples na CPU: operações do PyTorch por lote.

Roda, com o ``torch.profiler``, uma época curta (``--lotes`` lotes de 128 do
subconjunto do modo rápido, mais o teste) de cada laço de ``benchmark.py --cpu``
e imprime as operações que um laço roda mais vezes que o outro, com o tempo de
CPU próprio. As contagens não dependem da carga da máquina; os tempos, sim.

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
    total = {k: sum(t for _, t in v.values()) / 1e3 for k, v in contagens.items()}
    vezes = {k: sum(c for c, _ in v.values()) for k, v in contagens.items()}
    print(f"{args.lotes} lotes de treino + 2 de teste. Operações: simples {vezes['simples']}, curso "
          f"{vezes['curso']}; tempo de CPU próprio somado: simples {total['simples']:.1f} ms, curso "
          f"{total['curso']:.1f} ms")
    print("operações que rodam um número diferente de vezes (as demais são idênticas):")
    print(f"{'operação':<44} {'simples':>8} {'curso':>8} {'ms simples':>11} {'ms curso':>9}")
    for k in sorted(set(contagens["simples"]) | set(contagens["curso"])):
        (cs, ts), (cc, tc) = contagens["simples"].get(k, (0, 0)), contagens["curso"].get(k, (0, 0))
        if cs != cc:
            print(f"{k[:44]:<44} {cs:>8} {cc:>8} {ts / 1e3:>11.2f} {tc / 1e3:>9.2f}")

if __name__ == "__main__":
    main()
