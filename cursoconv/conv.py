"""A camada convolucional escrita do zero: as funções das lições 1 a 4.

Cada função aparece numa lição logo depois da fórmula que ela implementa; um
teste garante que o código mostrado nos notebooks é idêntico ao deste módulo.
Os laços em Python deixam as contas à vista, mas são lentos: nas redes de
verdade usamos ``torch.nn.Conv2d``, que faz o mesmo cálculo muito mais rápido.
Os verificadores dos exercícios ficam em ``cursoconv/exercicios/``, um arquivo por lição.
"""

import torch
import torch.nn.functional as F
from torch import nn


# --------------------------------------------------------------------------
# Lição 1: a operação de convolução (um canal)
# --------------------------------------------------------------------------

def exigir(condicao, mensagem):
    """Confere uma entrada: se a condição for falsa, para com um erro que explica o que está errado."""
    if not condicao:
        raise ValueError(mensagem)


def corr2d(X, K):
    """Correlação cruzada 2-D da entrada X (n_h×n_w) com o núcleo K (k_h×k_w)."""
    exigir(X.dim() == 2 and K.dim() == 2, f"X e K devem ser matrizes; vieram {X.dim()} e {K.dim()} dimensões.")
    k_h, k_w = K.shape
    exigir(k_h <= X.shape[0] and k_w <= X.shape[1], f"o núcleo {tuple(K.shape)} não cabe em X {tuple(X.shape)}.")
    Y = torch.zeros((X.shape[0] - k_h + 1, X.shape[1] - k_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + k_h, j:j + k_w] * K).sum()
    return Y


class CamadaConv2D(nn.Module):
    """Camada convolucional de um canal: Y = corr2d(X, weight) + bias.

    O núcleo (weight) e o viés (bias) são parâmetros aprendíveis.
    """

    def __init__(self, tamanho_nucleo):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(tamanho_nucleo))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return corr2d(X, self.weight) + self.bias


def conv2d_de_verdade(X, K):
    """Convolução da matemática: correlação cruzada com o núcleo girado 180°."""
    return corr2d(X, torch.flip(K, dims=(0, 1)))


# --------------------------------------------------------------------------
# Lição 2: múltiplos canais de entrada e de saída
# --------------------------------------------------------------------------

def corr2d_multi_in(X, K):
    """Correlação cruzada com c_i canais de entrada.

    X tem forma c_i × n_h × n_w e K, c_i × k_h × k_w. Faz uma correlação
    cruzada 2-D por canal e soma os c_i resultados.
    """
    exigir(X.dim() == 3 and K.dim() == 3, f"X e K devem ter 3 dimensões; vieram {X.dim()} e {K.dim()}.")
    exigir(len(X) == len(K), f"X tem {len(X)} canais e K tem {len(K)}: K precisa de um para cada canal de X.")
    return sum(corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X, K):
    """Correlação cruzada com c_o canais de saída: K é c_o × c_i × k_h × k_w.

    Cada um dos c_o núcleos (c_i × k_h × k_w) gera um canal de saída;
    empilhamos os c_o canais.
    """
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


def corr2d_multi_in_out_1x1(X, K):
    """Convolução 1×1 como produto de matrizes: (c_o × c_i) @ (c_i × n_h·n_w)."""
    exigir(X.dim() == 3, f"X deve ter 3 dimensões (canais, altura, largura); veio {tuple(X.shape)}.")
    exigir(K.shape[1:] == (X.shape[0], 1, 1), f"K deve ter forma (c_o, {X.shape[0]}, 1, 1); veio {tuple(K.shape)}.")
    c_i, n_h, n_w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, n_h * n_w))
    K = K.reshape((c_o, c_i))
    Y = K @ X
    return Y.reshape((c_o, n_h, n_w))


def contar_parametros(c_i, c_o, k_h, k_w, vies=True):
    """Parâmetros de uma camada convolucional: c_o·c_i·k_h·k_w pesos e c_o vieses."""
    return c_o * c_i * k_h * k_w + (c_o if vies else 0)


def contar_multiplicacoes(c_i, c_o, k_h, k_w, m_h, m_w):
    """Multiplicações-acumulações (MACs) de uma camada com saída c_o × m_h × m_w.

    Cada um dos c_o·m_h·m_w valores da saída custa c_i·k_h·k_w MACs.
    """
    return c_o * m_h * m_w * c_i * k_h * k_w


# --------------------------------------------------------------------------
# Lição 3: preenchimento (padding) e passo (stride)
# --------------------------------------------------------------------------

def tamanho_saida(n, k, p=0, s=1):
    """Tamanho da saída numa dimensão.

    n: entrada; k: núcleo; p: preenchimento de cada lado; s: passo.
    """
    exigir(s >= 1 and p >= 0, f"o passo deve ser ≥ 1 e o preenchimento ≥ 0; vieram s={s} e p={p}.")
    exigir(k <= n + 2 * p, f"o núcleo (k={k}) é maior que a entrada preenchida (n + 2p = {n + 2 * p}).")
    return (n + 2 * p - k) // s + 1


def par(v, nome):
    """(altura, largura) a partir de um par de inteiros ou de um inteiro só, que vale para as duas.

    par(2, "passo") é (2, 2), e par((3, 2), "passo") é (3, 2); nome diz, no erro, o que veio errado.
    """
    v = (v, v) if isinstance(v, int) else v
    exigir(isinstance(v, (tuple, list)) and len(v) == 2 and all(isinstance(x, int) for x in v),
           f"{nome} deve ser um inteiro ou um par de inteiros (altura, largura), como 2 ou (2, 3); veio {v!r}.")
    return tuple(v)


def corr2d_passo(X, K, passo=(1, 1)):
    """Correlação cruzada 2-D com passo: a janela anda s_h linhas e s_w colunas."""
    exigir(X.dim() == 2 and K.dim() == 2, f"X e K devem ser matrizes; vieram {X.dim()} e {K.dim()} dimensões.")
    k_h, k_w = K.shape
    s_h, s_w = par(passo, "passo")
    exigir(s_h >= 1 and s_w >= 1, f"o passo deve ser ≥ 1 nas duas direções; veio passo={passo}.")
    exigir(k_h <= X.shape[0] and k_w <= X.shape[1], f"o núcleo {tuple(K.shape)} não cabe em X {tuple(X.shape)}.")
    m_h = (X.shape[0] - k_h) // s_h + 1
    m_w = (X.shape[1] - k_w) // s_w + 1
    Y = torch.zeros((m_h, m_w))
    for i in range(m_h):
        for j in range(m_w):
            r, c = i * s_h, j * s_w  # canto superior esquerdo da janela
            Y[i, j] = (X[r:r + k_h, c:c + k_w] * K).sum()
    return Y


# --------------------------------------------------------------------------
# Lição 4: agrupamento (pooling)
# --------------------------------------------------------------------------

def pool2d(X, tamanho, modo="max"):
    """Agrupamento 2-D de X (n_h×n_w) com janela tamanho = (k_h, k_w) (ou k, para k×k), passo 1 e sem preenchimento.

    modo="max" guarda o maior valor de cada janela; modo="media", a média.
    """
    exigir(modo in ("max", "media"), f'modo deve ser "max" ou "media", e não {modo!r}.')
    exigir(X.dim() == 2, f"X deve ser uma matriz (um canal); veio {tuple(X.shape)}.")
    k_h, k_w = par(tamanho, "tamanho")
    exigir(1 <= k_h <= X.shape[0] and 1 <= k_w <= X.shape[1], f"a janela {tamanho} não cabe em X {tuple(X.shape)}.")
    Y = torch.zeros((X.shape[0] - k_h + 1, X.shape[1] - k_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            janela = X[i:i + k_h, j:j + k_w]
            Y[i, j] = janela.max() if modo == "max" else janela.mean()
    return Y


def pool2d_passo(X, tamanho, preenchimento=(0, 0), passo=None, modo="max"):
    """Agrupamento 2-D com preenchimento e passo; sem passo, ele é o tamanho da janela.

    O máximo preenche com -inf (a moldura nunca vence); a média preenche com
    zeros e divide pelo tamanho da janela inteira, como o PyTorch faz por padrão.
    """
    exigir(modo in ("max", "media"), f'modo deve ser "max" ou "media", e não {modo!r}.')
    exigir(X.dim() == 2, f"X deve ser uma matriz (um canal); veio {tuple(X.shape)}.")
    k_h, k_w = par(tamanho, "tamanho")
    p_h, p_w = par(preenchimento, "preenchimento")
    s_h, s_w = par(tamanho if passo is None else passo, "passo")
    exigir(min(k_h, k_w, s_h, s_w) >= 1, f"a janela e o passo devem ser ≥ 1; vieram {tamanho} e {passo}.")
    exigir(0 <= 2 * p_h <= k_h and 0 <= 2 * p_w <= k_w, f"o preenchimento deve ir de 0 à metade da janela; veio {preenchimento}.")
    exigir(k_h <= X.shape[0] + 2 * p_h and k_w <= X.shape[1] + 2 * p_w, f"a janela {tamanho} não cabe em X preenchido.")
    moldura = float("-inf") if modo == "max" else 0.0
    X = F.pad(X, (p_w, p_w, p_h, p_h), value=moldura)
    m_h = (X.shape[0] - k_h) // s_h + 1
    m_w = (X.shape[1] - k_w) // s_w + 1
    Y = torch.zeros((m_h, m_w))
    for i in range(m_h):
        for j in range(m_w):
            r, c = i * s_h, j * s_w  # canto superior esquerdo da janela
            janela = X[r:r + k_h, c:c + k_w]
            Y[i, j] = janela.max() if modo == "max" else janela.mean()
    return Y


def pool2d_canais(X, tamanho, preenchimento=(0, 0), passo=None, modo="max"):
    """Agrupamento de cada canal de X (c × n_h × n_w) em separado: c canais entram, c canais saem."""
    return torch.stack([pool2d_passo(x, tamanho, preenchimento, passo, modo) for x in X])
