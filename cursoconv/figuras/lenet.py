"""Figuras da LeNet-5 (lições 5 e 6): a arquitetura, as curvas de um treino, a matriz de confusão, as previsões, filtros e mapas."""
import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyBboxPatch

from cursoconv.dados import CLASSES
from cursoconv.lenet import camadas, previsoes
from cursoconv.formato import inteiro, virgula_nos_eixos
from cursoconv.graficos import curvas_do_historico
from .base import cor_do_texto

CORES = {"Conv2d": "#4c72b0", "AvgPool2d": "#55a868", "MaxPool2d": "#55a868", "Linear": "#dd8452"}
TIPOS = {"Conv2d": "convolução", "AvgPool2d": "subamostragem", "MaxPool2d": "máximo", "Linear": "densa"}
ATIVACOES = {"Tanh": " + tanh", "ReLU": " + ReLU", "Sigmoid": " + sigmoide"}


def _descricao(filhos, n):
    """O tipo da camada n, com a janela e a ativação seguinte: "convolução 5×5 + tanh", "máximo 2×2", "densa"."""
    camada = filhos[n][1]
    tipo = type(camada).__name__
    if not hasattr(camada, "kernel_size"):
        return TIPOS[tipo]
    k = camada.kernel_size if isinstance(camada.kernel_size, tuple) else (camada.kernel_size,) * 2
    seguinte = type(filhos[n + 1][1]).__name__ if tipo == "Conv2d" and n + 1 < len(filhos) else ""
    return f"{TIPOS[tipo]} {k[0]}×{k[1]}{ATIVACOES.get(seguinte, '')}"


def desenhar_arquitetura(net, forma_entrada=(1, 1, 32, 32), titulo=None):
    """Desenha cada convolução, agrupamento (subamostragem ou máximo) e camada densa, de cima para baixo.

    Cada linha traz o nome da camada num bloco colorido e, ao lado, o tipo com o
    número de parâmetros ("156 parâm.") e, embaixo, a forma da saída. O desenho é estreito
    e alto, para que o texto continue legível na largura de um celular.
    """
    filhos = list(net.named_children())
    descricoes = {nome: _descricao(filhos, n) for n, (nome, camada) in enumerate(filhos)
                  if type(camada).__name__ in CORES}
    blocos = [("entrada", "", tuple(forma_entrada[1:]), 0)] + [
        l for l in camadas(net, forma_entrada) if l[1] in CORES]
    passo = 0.62  # altura de cada linha, em polegadas
    fig, ax = plt.subplots(figsize=(4.2, passo * len(blocos) + (0.5 if titulo else 0.1)))
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99 if not titulo else 1 - 0.45 / fig.get_figheight())
    for i, (nome, tipo, forma, params) in enumerate(blocos):
        cor = CORES.get(tipo, "#8c8c8c")
        ax.add_patch(FancyBboxPatch((0.05, i + 0.12), 0.9, 0.62, boxstyle="round,pad=0.03", facecolor=cor,
                                    edgecolor="none"))
        ax.text(0.5, i + 0.43, nome.replace("saida", "saída"), ha="center", va="center",
                color=cor_do_texto(cor), weight="bold", fontsize=11)
        descricao = descricoes.get(nome, "imagem de entrada") if i else "imagem de entrada"
        if params:
            descricao += f" · {params:,} parâm.".replace(",", ".")
        ax.text(1.15, i + 0.27, descricao, ha="left", va="center", fontsize=10, color="#222222")
        ax.text(1.15, i + 0.6, "×".join(map(str, forma)), ha="left", va="center", fontsize=10, color="#222222")
        if i:
            ax.annotate("", xy=(0.5, i + 0.1), xytext=(0.5, i - 0.22),
                        arrowprops=dict(arrowstyle="->", color="#333333"))
    ax.set_xlim(0, 4.2)
    ax.set_ylim(len(blocos), 0)
    ax.axis("off")
    if titulo:
        ax.set_title(titulo, fontsize=12)
    return fig


def desenhar_matriz_de_confusao(M):
    """Mostra a matriz de confusão com os nomes das classes e as contagens.

    Estreita (5 polegadas) e com números de 11 pt (9,5 pt para 1.000): no celular, a figura
    encolhe para a coluna (342 px) e os números ainda ficam com mais de 9 px.
    """
    if isinstance(M, tuple):
        raise TypeError("Recebi um par (previstos, reais), como o de lenet.previsoes: passe a matriz, "
                        "M = lenet.matriz_de_confusao(*lenet.previsoes(net, test_iter)).")
    M = torch.as_tensor(M).detach().cpu()
    if M.shape != (10, 10) or not torch.equal(M, M.round()):
        raise ValueError(f"M deve ser a matriz 10×10 de contagens (inteiros) de lenet.matriz_de_confusao, uma linha "
                         f"e uma coluna por classe do Fashion-MNIST; recebi forma {tuple(M.shape)}, tipo {M.dtype}.")
    fig, ax = plt.subplots(figsize=(5.0, 4.8))
    imagem = ax.imshow(M.numpy(), cmap="Blues")
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            escrito = inteiro(M[i, j])  # "1.000" (uma classe toda certa) só cabe na célula com letra menor
            ax.text(j, i, escrito, ha="center", va="center", fontsize=11 if len(escrito) <= 3 else 9.5,
                    color=cor_do_texto(imagem.cmap(imagem.norm(float(M[i, j])))))
    ax.set_xticks(range(10), CLASSES, rotation=45, ha="right")
    ax.set_yticks(range(10), CLASSES)
    ax.set_xlabel("classe prevista")
    ax.set_ylabel("classe verdadeira")
    fig.tight_layout()
    return fig


def desenhar_previsoes(net, X, y, colunas=4):
    """Imagens com a classe prevista e, entre parênteses, a verdadeira em cima; erros em vermelho.

    Quatro colunas por padrão: a grade fica estreita e os nomes, legíveis no celular.
    """
    y = torch.as_tensor(y)
    if len(X) != len(y) or not 1 <= len(X) <= 64 or colunas < 1:
        raise ValueError(f"Recebi {len(X)} imagens, {len(y)} rótulos e colunas={colunas}: passe de 1 a 64 imagens, "
                         "um rótulo para cada uma e colunas ≥ 1, como desenhar_previsoes(net, X[:16], y[:16]).")
    previstos = previsoes(net, [(X, y)])[0]
    linhas = -(-len(X) // colunas)
    fig, eixos = plt.subplots(linhas, colunas, figsize=(colunas * 1.6, linhas * 2.0), squeeze=False)
    for i, ax in enumerate(eixos.ravel()):
        ax.axis("off")
        if i < len(X):
            ax.imshow(X[i, 0].cpu().numpy(), cmap="gray_r")
            certo = previstos[i] == y[i]
            ax.set_title(f"{CLASSES[previstos[i]]}\n({CLASSES[y[i]]})", fontsize=12,
                         color="black" if certo else "#c00000", weight="normal" if certo else "bold")
    fig.tight_layout()
    return fig


def _grade_de_eixos(n, colunas=3):
    """Uma grade de ``n`` quadros com até ``colunas`` por linha (estreita, legível no celular)."""
    colunas = min(n, colunas)
    linhas = -(-n // colunas)
    fig, eixos = plt.subplots(linhas, colunas, figsize=(1.6 * colunas, 1.9 * linhas), squeeze=False)
    for sobra in eixos.ravel()[n:]:
        fig.delaxes(sobra)
    return fig, list(eixos.ravel()[:n])


def desenhar_filtros(pesos, titulo="filtro"):
    """Mostra cada filtro 2-D de uma camada convolucional de entrada única (pesos c_o×1×k×k)."""
    pesos = torch.as_tensor(getattr(pesos, "weight", pesos)).detach().cpu()  # a camada serve: net.C1
    if pesos.dim() != 4 or pesos.shape[1] != 1 or not torch.isfinite(pesos).all():
        raise ValueError("pesos devem ser os de uma convolução de um canal de entrada, c_o×1×k×k e sem NaN, como "
                         f"net.C1.weight; recebi forma {tuple(pesos.shape)} (com vários canais de entrada, escolha "
                         "um: net.C3.weight[:, :1]).")
    fig, eixos = _grade_de_eixos(len(pesos))
    limite = pesos.abs().max()
    for i, ax in enumerate(eixos):
        ax.axis("off")
        ax.imshow(pesos[i, 0].numpy(), cmap="RdBu_r", vmin=-float(limite), vmax=float(limite))
        ax.set_title(f"{titulo} {i}", fontsize=11)
    fig.tight_layout()
    return fig


def desenhar_mapas(mapas, titulo="mapa"):
    """Mostra os mapas de características (c×H×W) de uma imagem, um por canal."""
    mapas = torch.as_tensor(mapas).detach().cpu()
    mapas = mapas[0] if mapas.dim() == 4 and len(mapas) == 1 else mapas  # um lote de uma imagem: net.C1(X[:1])
    if mapas.dim() != 3:
        raise ValueError(f"mapas deve ter a forma canais×altura×largura, os mapas de uma imagem; recebi "
                         f"{tuple(mapas.shape)}: de um lote, escolha uma imagem, como mapas[0].")
    fig, eixos = _grade_de_eixos(len(mapas))
    for i, ax in enumerate(eixos):
        ax.axis("off")
        ax.imshow(mapas[i].numpy(), cmap="viridis")
        ax.set_title(f"{titulo} {i}", fontsize=11)
    fig.tight_layout()
    return fig


def desenhar_curvas(historico, rede, marcar=None):
    """Perda e acurácia de treino e de validação por época, um gráfico acima do outro.

    ``historico`` traz as listas ``perda_treino``, ``acuracia_treino``,
    ``perda_validacao`` e ``acuracia_validacao`` (o histórico do laço ``treinar``
    da lição 5; sem as de validação, usa as de teste). ``rede`` é o nome da rede,
    que vai no título de cada gráfico; ``marcar``, uma época a destacar com uma
    linha vertical tracejada (o fim do treino principal, por exemplo). Os números
    dos eixos têm vírgula decimal.
    """
    historico, avaliado, nome = curvas_do_historico(historico)
    fig, eixos = plt.subplots(2, 1, figsize=(6, 6.5))
    fig.subplots_adjust(hspace=0.5)
    epocas = range(1, len(historico["perda_treino"]) + 1)
    for ax, medida, titulo in zip(eixos, ("perda", "acuracia"), ("perda (entropia cruzada)", "acurácia")):
        ax.plot(epocas, historico[f"{medida}_treino"], marker="o", markersize=3, label="treino")
        ax.plot(epocas, historico[f"{medida}_{avaliado}"], marker="o", markersize=3, label=nome)
        if marcar:
            ax.axvline(marcar, color="#555555", linestyle="--", linewidth=1)
        ax.set_xlabel("época")
        ax.set_title(f"{rede}: {titulo}")
        ax.grid(alpha=0.3)
        ax.legend()
        ax.xaxis.get_major_locator().set_params(integer=True)
    return virgula_nos_eixos(fig)
