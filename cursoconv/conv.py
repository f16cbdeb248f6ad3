"""A camada convolucional escrita do zero: as funções das lições 1 a 4.

Cada função aparece numa lição logo depois da fórmula que ela implementa; um
teste garante que o código mostrado nos notebooks é idêntico ao deste módulo.
Os laços em Python deixam as contas à vista, mas são lentos: nas redes de
verdade usamos ``torch.nn.Conv2d``, que faz o mesmo cálculo muito mais rápido.

No fim do módulo ficam os verificadores dos exercícios (``verificar_...``):
recebem a resposta do estudante e dizem, em português, se ela está certa.
"""
import torch
import torch.nn.functional as F
from torch import nn


# --------------------------------------------------------------------------
# Lição 1: a operação de convolução (um canal)
# --------------------------------------------------------------------------

def corr2d(X, K):
    """Correlação cruzada 2-D da entrada X (n_h×n_w) com o núcleo K (k_h×k_w)."""
    k_h, k_w = K.shape
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
    return sum(corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X, K):
    """Correlação cruzada com c_o canais de saída: K é c_o × c_i × k_h × k_w.

    Cada um dos c_o núcleos (c_i × k_h × k_w) gera um canal de saída;
    empilhamos os c_o canais.
    """
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


def corr2d_multi_in_out_1x1(X, K):
    """Convolução 1×1 como produto de matrizes: (c_o × c_i) @ (c_i × n_h·n_w)."""
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
    """Multiplicações-e-somas de uma camada com saída c_o × m_h × m_w.

    Cada um dos c_o·m_h·m_w valores da saída custa c_i·k_h·k_w multiplicações.
    """
    return c_o * m_h * m_w * c_i * k_h * k_w


# --------------------------------------------------------------------------
# Lição 3: preenchimento (padding) e passo (stride)
# --------------------------------------------------------------------------

def tamanho_saida(n, k, p=0, s=1):
    """Tamanho da saída numa dimensão.

    n: entrada; k: núcleo; p: preenchimento de cada lado; s: passo.
    """
    return (n + 2 * p - k) // s + 1


def corr2d_passo(X, K, passo=(1, 1)):
    """Correlação cruzada 2-D com passo: a janela anda s_h linhas e s_w colunas."""
    k_h, k_w = K.shape
    s_h, s_w = passo
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
    """Agrupamento 2-D de X (n_h×n_w) com janela tamanho = (k_h, k_w), passo 1 e sem preenchimento.

    modo="max" guarda o maior valor de cada janela; modo="media", a média.
    """
    if modo not in ("max", "media"):
        raise ValueError(f'modo deve ser "max" ou "media", e não {modo!r}.')
    k_h, k_w = tamanho
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
    if modo not in ("max", "media"):
        raise ValueError(f'modo deve ser "max" ou "media", e não {modo!r}.')
    k_h, k_w = tamanho
    p_h, p_w = preenchimento
    s_h, s_w = tamanho if passo is None else passo
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


# --------------------------------------------------------------------------
# Verificadores dos exercícios
# --------------------------------------------------------------------------

def _relatar(erros, nao_feito=False):
    """Imprime o veredito de um verificador: "Correto!", o que falta ou o que está errado."""
    if nao_feito:
        print("Ainda não respondido: complete o exercício e rode esta célula.")
    elif erros:
        print("Ainda não está certo:")
        for erro in erros:
            print(" -", erro)
    else:
        print("Correto!")


def _formas_aleatorias(gerador, quantas=5, maximo=7):
    """Pares (forma da entrada, forma do núcleo) aleatórios, com o núcleo cabendo na entrada."""
    formas = []
    for _ in range(quantas):
        n_h, n_w = (int(v) for v in torch.randint(1, maximo + 1, (2,), generator=gerador))
        k_h = int(torch.randint(1, n_h + 1, (1,), generator=gerador))
        k_w = int(torch.randint(1, n_w + 1, (1,), generator=gerador))
        formas.append(((n_h, n_w), (k_h, k_w)))
    return formas


def _comparar_funcao(funcao, referencia, entradas):
    """Chama ``funcao`` em cada entrada e lista, em português, o que não bate com ``referencia``."""
    erros = []
    for args in entradas:
        formas = " e ".join("×".join(map(str, a.shape)) for a in args)
        try:
            obtido = funcao(*args)
        except Exception as exc:  # a resposta do estudante pode falhar de qualquer jeito
            return [f"com entradas de forma {formas}, a função levantou {type(exc).__name__}: {exc}"]
        esperado = referencia(*args)
        if not isinstance(obtido, torch.Tensor):
            return [f"a função deve devolver um tensor, mas devolveu {type(obtido).__name__}"]
        if obtido.shape != esperado.shape:
            erros.append(f"com entradas de forma {formas}, a saída tem forma {tuple(obtido.shape)}, "
                         f"e deveria ter {tuple(esperado.shape)}")
        elif not torch.allclose(obtido.float(), esperado.float(), atol=1e-4):
            erros.append(f"com entradas de forma {formas}, os valores da saída não batem")
    return erros


def verificar_borda_horizontal(K):
    """Exercício da lição 1: K deve achar bordas horizontais (a imagem da lição, transposta)."""
    if K is None:
        return _relatar([], nao_feito=True)
    K = torch.as_tensor(K, dtype=torch.float32)
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    X = X.t()  # 8×6, com bordas horizontais entre as linhas 1|2 e 5|6
    if K.dim() != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        return _relatar([f"o núcleo deve ser uma matriz pequena (2-D), mas tem forma {tuple(K.shape)}"])
    Y = corr2d(X, K)
    erros = []
    linhas_com_resposta = sorted({int(i) for i in torch.nonzero(Y.abs() > 1e-6)[:, 0]})
    if not linhas_com_resposta:
        erros.append("a saída é toda zero: o núcleo não reage às bordas horizontais")
    elif len(linhas_com_resposta) > 2 or (Y.abs() > 1e-6).sum() != len(linhas_com_resposta) * Y.shape[1]:
        erros.append("a saída deveria ser diferente de zero só em duas linhas inteiras (as das bordas), "
                     f"mas é diferente de zero nas linhas {linhas_com_resposta} ou só em parte delas")
    if corr2d(torch.ones(X.shape), K).abs().max() > 1e-6:
        erros.append("numa região de cor constante a saída deve ser zero (os pesos devem somar 0)")
    _relatar(erros)


def verificar_corr2d_rapida(funcao):
    """Exercício da lição 1: ``funcao(X, K)`` deve dar o mesmo que ``corr2d`` em entradas aleatórias."""
    if funcao is None or funcao(torch.ones((2, 2)), torch.ones((1, 1))) is None:
        return _relatar([], nao_feito=True)
    gerador = torch.Generator().manual_seed(1)
    entradas = [(torch.randn(n, generator=gerador), torch.randn(k, generator=gerador))
                for n, k in _formas_aleatorias(gerador)]
    _relatar(_comparar_funcao(funcao, corr2d, entradas))


def verificar_pesos_cinza(K):
    """Exercício da lição 2: K (1 × 3 × 1 × 1) deve converter RGB em cinza, 0,299R + 0,587G + 0,114B."""
    if K is None:
        return _relatar([], nao_feito=True)
    K = torch.as_tensor(K, dtype=torch.float32)
    erros = []
    if tuple(K.shape) != (1, 3, 1, 1):
        erros.append(f"o núcleo deve ter forma (c_o, c_i, k_h, k_w) = (1, 3, 1, 1), mas tem {tuple(K.shape)}")
    else:
        X = torch.rand((3, 4, 5), generator=torch.Generator().manual_seed(2))
        esperado = 0.299 * X[0] + 0.587 * X[1] + 0.114 * X[2]
        obtido = corr2d_multi_in_out_1x1(X, K)[0]
        if not torch.allclose(obtido, esperado, atol=1e-4):
            erros.append("a imagem cinza calculada com o seu núcleo não bate com 0,299R + 0,587G + 0,114B")
    _relatar(erros)


def _corr2d_lote(X, K):
    """Referência com o PyTorch: X é c_i × n_h × n_w e K é c_o × c_i × k_h × k_w."""
    return F.conv2d(X.unsqueeze(0), K).squeeze(0)


def verificar_corr2d_matricial(funcao):
    """Exercício da lição 2: ``funcao(X, K)`` deve dar o mesmo que ``corr2d_multi_in_out``."""
    if funcao is None or funcao(torch.ones((1, 2, 2)), torch.ones((1, 1, 1, 1))) is None:
        return _relatar([], nao_feito=True)
    gerador = torch.Generator().manual_seed(3)
    entradas = []
    for (n, k) in _formas_aleatorias(gerador):
        c_i, c_o = (int(v) for v in torch.randint(1, 4, (2,), generator=gerador))
        entradas.append((torch.randn((c_i, *n), generator=gerador),
                         torch.randn((c_o, c_i, *k), generator=gerador)))
    _relatar(_comparar_funcao(funcao, _corr2d_lote, entradas))


def verificar_tamanho_saida_dilatacao(funcao):
    """Exercício da lição 3: ``funcao(n, k, p, s, d)`` deve prever a saída de ``nn.Conv2d`` com dilatação d."""
    if funcao is None or funcao(5, 3, 0, 1, 1) is None:
        return _relatar([], nao_feito=True)
    gerador = torch.Generator().manual_seed(4)
    erros = []
    for _ in range(200):
        n, k, p, s, d = (int(v) for v in torch.randint(1, 6, (5,), generator=gerador))
        n += 10
        p -= 1  # de 0 a 4
        if d * (k - 1) + 1 > n + 2 * p:
            continue
        camada = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
        esperado = camada(torch.zeros((1, 1, n, n))).shape[-1]
        obtido = funcao(n, k, p, s, d)
        if obtido != esperado:
            erros.append(f"com n={n}, k={k}, p={p}, s={s}, d={d} a função deu {obtido}, "
                         f"mas a nn.Conv2d dá {esperado}")
            if len(erros) == 3:
                break
    _relatar(erros)


def verificar_metade(k, p, s):
    """Exercício da lição 3: núcleo k, preenchimento p e passo s devem levar 32×32 a 16×16 e 28×28 a 14×14."""
    if None in (k, p, s):
        return _relatar([], nao_feito=True)
    erros = []
    if k < 2:
        erros.append("use um núcleo de pelo menos 2×2, para que cada saída veja uma vizinhança")
    for n in (32, 28):
        try:
            m = nn.Conv2d(1, 1, k, padding=p, stride=s)(torch.zeros((1, 1, n, n))).shape[-1]
        except RuntimeError:
            m = 0
        if m != n // 2:
            erros.append(f"uma entrada {n}×{n} vira {m}×{m}, e não {n // 2}×{n // 2}")
    _relatar(erros)
