"""Compara o laço de treino da aula original com o de ``cursoconv.utils`` (``cursoconv.treino``).

Os dois rodam no mesmo processo, no mesmo dispositivo, com os mesmos dados, o
mesmo modelo (a variante da LeNet-5 da lição 5) e as mesmas configurações
(SGD, lr 0,1, weight decay 1e-6, lote 128, imagens 32×32). Imprime o tempo de
cada época (treino mais avaliação no teste), a razão entre as médias e as
acurácias finais; confere também que o laço com o grafo CUDA dá os mesmos
pesos que o laço comum (``grafo_cuda=False``) partindo da mesma semente e, na
GPU, mede o custo de conferir a perda (NaN) a cada iteração.

    FASHION_MNIST_DIR=../shared/data/fashion-mnist python benchmark/benchmark.py --nucleos 2
    python benchmark/benchmark.py --rapido --epocas 1          # fumaça, com o subconjunto

Opções: ``--nucleos N`` prende o processo (e os workers do DataLoader) a N
núcleos, como numa máquina do Colab; ``--registrar ARQUIVO`` acrescenta uma
linha com o resultado a uma tabela em Markdown.
"""
import argparse
import os

# Pedido pelo cuBLAS para contas determinísticas (usado só em conferir_equivalencia).
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
import datetime
import platform
import time

import torch
import torchvision
from torch import nn

from cursoconv import ambiente, carregadores, lenet, treino, utils

LR, WEIGHT_DECAY, LOTE, TAMANHO = 0.1, 1e-6, 128, 32


# ------------------------------------------------------------------ a aula original

class ComoTorchvision(torch.utils.data.Dataset):
    """Imagens uint8 servidas amostra por amostra, como o FashionMNIST do torchvision
    (PIL + transformações a cada acesso); usado só com o subconjunto do modo rápido."""

    def __init__(self, imagens, rotulos, transform):
        self.imagens, self.rotulos, self.transform = imagens, rotulos, transform

    def __len__(self):
        return len(self.rotulos)

    def __getitem__(self, i):
        from PIL import Image
        return self.transform(Image.fromarray(self.imagens[i].numpy(), mode="L")), int(self.rotulos[i])


def dados_da_aula_original(root, rapido, trabalhadores=4):
    """O carregador da aula: Resize + ToTensor por amostra, DataLoader com 4 workers."""
    transform = torchvision.transforms.Compose([torchvision.transforms.Resize(TAMANHO),
                                                torchvision.transforms.ToTensor()])
    if rapido:
        Xtr, ytr, Xte, yte = carregadores.ler_subconjunto()
        treino, teste = ComoTorchvision(Xtr, ytr, transform), ComoTorchvision(Xte, yte, transform)
    else:
        utils.preparar_fashion_mnist(root)
        treino = torchvision.datasets.FashionMNIST(root, train=True, transform=transform)
        teste = torchvision.datasets.FashionMNIST(root, train=False, transform=transform)
    carregar = lambda ds, emb: torch.utils.data.DataLoader(ds, LOTE, shuffle=emb, num_workers=trabalhadores,
                                                           persistent_workers=False)
    return carregar(treino, True), carregar(teste, False)


def avaliacao_da_aula_original(data_iter, net, loss, dispositivo):
    acc_sum, n, l = torch.Tensor([0]), 0, 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(dispositivo), y.to(dispositivo)
            y_hat = net(X)
            l += loss(y_hat, y).sum()
            acc_sum += (y_hat.argmax(axis=1) == y).sum().item()
            n += y.size()[0]
    return acc_sum.item() / n, l.item() / len(data_iter)


def laco_da_aula_original(net, train_iter, test_iter, trainer, loss, epocas, dispositivo):
    """O laço da aula, fiel ao original (um .item() por passo, avaliação lote a lote)."""
    tempos, acc = [], None
    for _ in range(epocas):
        inicio = time.perf_counter()
        for X, y in train_iter:
            X, y = X.to(dispositivo), y.to(dispositivo)
            y_hat = net(X)
            trainer.zero_grad()
            l = loss(y_hat, y).sum()
            l.backward()
            trainer.step()
            _ = l.item(), (y_hat.argmax(axis=1) == y).sum().item()
        acc, _ = avaliacao_da_aula_original(test_iter, net, loss, dispositivo)
        tempos.append(time.perf_counter() - inicio)
        print(f"  original  época {len(tempos)}: {tempos[-1]:.2f} s, acurácia teste {acc:.4f}", flush=True)
    return tempos, acc


# ------------------------------------------------------------------ medições

def modelo_e_otimizador(dispositivo, semente=0):
    utils.fixar_semente(semente)
    net = lenet.lenet5_variante().to(dispositivo)
    return net, torch.optim.SGD(net.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)


def conferir_equivalencia(dispositivo, root):
    """Uma época com o laço comum, uma com o grafo CUDA e outra com o comum, da mesma semente.

    Com algoritmos determinísticos, dois laços comuns dão pesos idênticos; o
    laço com o grafo CUDA (na GPU) deve dar os mesmos pesos. Devolve a maior
    diferença entre comum e grafo e entre comum e comum (o ruído).
    """
    torch.use_deterministic_algorithms(True)
    pesos = []
    try:
        for grafo in (False, True, False):
            net, trainer = modelo_e_otimizador(dispositivo, semente=1)
            tr, te = utils.load_data_fashion_mnist(LOTE, resize=TAMANHO, root=root)
            utils.train_validate(net, tr, te, LOTE, trainer, nn.CrossEntropyLoss(), 1, device=dispositivo,
                                 barra=False, grafo_cuda=grafo)
            pesos.append([p.detach().float().cpu() for p in net.parameters()])
    finally:
        torch.use_deterministic_algorithms(False)
    dif = lambda x, z: max((a - b).abs().max().item() for a, b in zip(x, z))
    diferenca, ruido = dif(pesos[0], pesos[1]), dif(pesos[0], pesos[2])
    print(f"equivalência (1 época, mesma semente, algoritmos determinísticos): maior diferença entre pesos "
          f"comum × grafo CUDA {diferenca:.2e}; comum × comum {ruido:.2e}", flush=True)
    return diferenca


def conferir_queda_para_o_laco_comum(dispositivo, root):
    """Adam sem capturable=True não entra no grafo CUDA: deve cair no laço comum sem quebrar."""
    utils.fixar_semente(2)
    net = lenet.lenet5_variante().to(dispositivo)
    tr, te = utils.load_data_fashion_mnist(LOTE, resize=TAMANHO, root=root)
    hist = utils.train_validate(net, tr, te, LOTE, torch.optim.Adam(net.parameters(), lr=1e-3),
                                nn.CrossEntropyLoss(), 1, device=dispositivo, barra=False)
    return hist["acuracia_teste"][-1]


def medir_custo_da_verificacao(dispositivo, root, epocas=3):
    """Tempo por época conferindo a perda (NaN) a cada iteração × a cada ``VERIFICAR_A_CADA``.

    Conferir obriga a CPU a esperar a GPU; é o custo que justifica o espaçamento
    descrito na docstring de ``train_validate``.
    """
    padrao, tempos = treino.VERIFICAR_A_CADA, {}
    try:
        for a_cada in (1, padrao):
            treino.VERIFICAR_A_CADA = a_cada
            net, trainer = modelo_e_otimizador(dispositivo)
            tr, te = utils.load_data_fashion_mnist(LOTE, resize=TAMANHO, root=root)
            hist = utils.train_validate(net, tr, te, LOTE, trainer, nn.CrossEntropyLoss(), epocas,
                                        device=dispositivo, barra=False)
            tempos[a_cada] = sum(hist["tempo"][1:]) / max(len(hist["tempo"]) - 1, 1)
    finally:
        treino.VERIFICAR_A_CADA = padrao
    print(f"custo da verificação de NaN: {tempos[1]:.3f} s/época conferindo a cada iteração, "
          f"{tempos[padrao]:.3f} s/época a cada {padrao} ({tempos[1] / tempos[padrao]:.2f}x)", flush=True)
    return tempos


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epocas", type=int, default=10)
    p.add_argument("--nucleos", type=int, default=0, help="prende o processo a N núcleos (0: todos)")
    p.add_argument("--dispositivo", default=None, help="cuda, mps ou cpu (padrão: o melhor disponível)")
    p.add_argument("--rapido", action="store_true", help="usa o subconjunto do modo rápido")
    p.add_argument("--root", default=utils.RAIZ_PADRAO)
    p.add_argument("--registrar", default=None, help="arquivo Markdown onde acrescentar o resultado")
    p.add_argument("--sem-equivalencia", action="store_true",
                   help="pula a conferência dos pesos (na CPU, tests/test_utils.py já a faz, bit a bit)")
    args = p.parse_args()

    if args.nucleos:
        os.sched_setaffinity(0, range(args.nucleos))
        torch.set_num_threads(args.nucleos)
    if args.rapido:
        os.environ[utils.VARIAVEL_RAPIDO] = "1"
        ambiente.EPOCAS_RAPIDO = args.epocas
    dispositivo = torch.device(args.dispositivo) if args.dispositivo else utils.escolher_dispositivo()
    nucleos = len(os.sched_getaffinity(0))
    print(f"dispositivo: {utils.descrever_dispositivo(dispositivo)}; núcleos: {nucleos}; "
          f"PyTorch {torch.__version__}; {args.epocas} épocas; "
          f"dados: {'subconjunto' if args.rapido else 'completos'}", flush=True)

    utils.preparar_fashion_mnist(args.root) if not args.rapido else None
    # Aquece o dispositivo (contexto CUDA, cuDNN) para não pesar na primeira medição.
    net, trainer = modelo_e_otimizador(dispositivo)
    nn.CrossEntropyLoss()(net(torch.rand(LOTE, 1, TAMANHO, TAMANHO, device=dispositivo)),
                          torch.zeros(LOTE, dtype=torch.long, device=dispositivo)).backward()

    print("laço da aula original:", flush=True)
    net, trainer = modelo_e_otimizador(dispositivo)
    tr, te = dados_da_aula_original(args.root, args.rapido)
    t_orig, acc_orig = laco_da_aula_original(net, tr, te, trainer, nn.CrossEntropyLoss(), args.epocas, dispositivo)

    print("laço de cursoconv.utils:", flush=True)
    net, trainer = modelo_e_otimizador(dispositivo)
    inicio = time.perf_counter()
    tr, te = utils.load_data_fashion_mnist(LOTE, resize=TAMANHO, root=args.root)
    t_carga = time.perf_counter() - inicio
    hist = utils.train_validate(net, tr, te, LOTE, trainer, nn.CrossEntropyLoss(), args.epocas,
                                device=dispositivo, barra=False)
    t_novo, acc_novo = hist["tempo"], hist["acuracia_teste"][-1]

    diferenca = float("nan") if args.sem_equivalencia else conferir_equivalencia(dispositivo, args.root)
    if dispositivo.type == "cuda":
        print(f"queda para o laço comum (Adam): acurácia após 1 época "
              f"{conferir_queda_para_o_laco_comum(dispositivo, args.root):.3f}")
        medir_custo_da_verificacao(dispositivo, args.root)

    media = lambda t: sum(t[1:]) / len(t[1:]) if len(t) > 1 else t[0]
    razao = media(t_orig) / media(t_novo)
    print(f"\nmédia por época (sem a 1ª): original {media(t_orig):.3f} s, novo {media(t_novo):.3f} s "
          f"(1ª época: {t_orig[0]:.2f} s e {t_novo[0]:.2f} s; carga única dos dados: {t_carga:.2f} s)")
    print(f"RAZÃO (original / novo): {razao:.2f}x")
    print(f"acurácia final no teste: original {acc_orig:.4f}, novo {acc_novo:.4f}")

    if args.registrar:
        novo = not os.path.exists(args.registrar)
        with open(args.registrar, "a", encoding="utf-8") as f:
            if novo:
                f.write("| data | dispositivo | núcleos | PyTorch | dados | épocas | original (s/época) "
                        "| novo (s/época) | razão | acurácia original | acurácia nova | dif. máx. pesos |\n"
                        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
            f.write(f"| {datetime.date.today()} | {utils.descrever_dispositivo(dispositivo)} | {nucleos} "
                    f"| {torch.__version__} | {'subconjunto' if args.rapido else 'completos'} | {args.epocas} "
                    f"| {media(t_orig):.3f} | {media(t_novo):.3f} | {razao:.2f} | {acc_orig:.4f} "
                    f"| {acc_novo:.4f} | {diferenca:.1e} |\n")
    print(f"(máquina: {platform.processor() or platform.machine()})")


if __name__ == "__main__":
    main()
