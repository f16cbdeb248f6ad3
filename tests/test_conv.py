"""Testes de cursoconv.conv: as funções escritas do zero nas lições 1 a 3 contra o PyTorch."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cursoconv import conv


def formas_aleatorias(semente, quantas=20, maximo=9):
    """(n_h, n_w, k_h, k_w) aleatórios com o núcleo cabendo na entrada."""
    g = torch.Generator().manual_seed(semente)
    for _ in range(quantas):
        n_h, n_w = (int(v) for v in torch.randint(1, maximo + 1, (2,), generator=g))
        yield n_h, n_w, int(torch.randint(1, n_h + 1, (1,), generator=g)), int(torch.randint(1, n_w + 1, (1,), generator=g))


# ---------------------------------------------------------------- lição 1

def test_corr2d_exemplo_do_livro():
    X = torch.arange(9.0).reshape(3, 3)
    K = torch.arange(4.0).reshape(2, 2)
    assert conv.corr2d(X, K).tolist() == [[19.0, 25.0], [37.0, 43.0]]


@pytest.mark.parametrize("semente", range(3))
def test_corr2d_igual_ao_pytorch_em_formas_aleatorias(semente):
    g = torch.Generator().manual_seed(100 + semente)
    for n_h, n_w, k_h, k_w in formas_aleatorias(semente):
        X, K = torch.randn((n_h, n_w), generator=g), torch.randn((k_h, k_w), generator=g)
        esperado = F.conv2d(X.reshape(1, 1, n_h, n_w), K.reshape(1, 1, k_h, k_w))[0, 0]
        obtido = conv.corr2d(X, K)
        assert obtido.shape == (n_h - k_h + 1, n_w - k_w + 1)
        torch.testing.assert_close(obtido, esperado, atol=1e-5, rtol=1e-5)


def test_bordas_verticais_e_transposta():
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    K = torch.tensor([[1.0, -1.0]])
    Y = conv.corr2d(X, K)
    assert Y.shape == (6, 7)
    assert Y[:, 1].eq(1).all() and Y[:, 5].eq(-1).all() and Y.abs().sum() == 12
    assert conv.corr2d(X.t(), K).shape == (8, 5)
    assert conv.corr2d(X.t(), K).abs().max() == 0


def test_conv2d_de_verdade_igual_ao_numpy_e_ao_nucleo_girado():
    g = torch.Generator().manual_seed(0)
    x, k = torch.randn((1, 9), generator=g), torch.randn((1, 4), generator=g)
    np.testing.assert_allclose(conv.conv2d_de_verdade(x, k)[0].numpy(),
                               np.convolve(x[0].numpy(), k[0].numpy(), mode="valid"), atol=1e-5)
    X, K = torch.randn((5, 6), generator=g), torch.randn((3, 2), generator=g)
    esperado = F.conv2d(X.reshape(1, 1, 5, 6), K.flip(0, 1).reshape(1, 1, 3, 2))[0, 0]
    torch.testing.assert_close(conv.conv2d_de_verdade(X, K), esperado, atol=1e-5, rtol=1e-5)
    assert not torch.allclose(conv.conv2d_de_verdade(X, K), conv.corr2d(X, K))


def test_camada_conv2d_tem_parametros_e_aprende_o_detector_de_bordas():
    torch.manual_seed(0)
    camada = conv.CamadaConv2D((1, 2))
    nomes = dict(camada.named_parameters())
    assert set(nomes) == {"weight", "bias"}
    assert nomes["weight"].shape == (1, 2) and nomes["bias"].shape == (1,)
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    Y = conv.corr2d(X, torch.tensor([[1.0, -1.0]]))
    torch.testing.assert_close(camada(X), conv.corr2d(X, camada.weight) + camada.bias)
    for _ in range(60):
        perda = ((camada(X) - Y) ** 2).sum()
        camada.zero_grad()
        perda.backward()
        with torch.no_grad():
            for p in camada.parameters():
                p -= 0.01 * p.grad
    torch.testing.assert_close(camada.weight.detach(), torch.tensor([[1.0, -1.0]]), atol=0.02, rtol=0)
    assert abs(camada.bias.item()) < 0.02


# ---------------------------------------------------------------- lição 2

def test_corr2d_multi_in_exemplo_56():
    X = torch.stack((torch.arange(9.0).reshape(3, 3), torch.arange(1.0, 10.0).reshape(3, 3)))
    K = torch.stack((torch.arange(4.0).reshape(2, 2), torch.arange(1.0, 5.0).reshape(2, 2)))
    assert conv.corr2d_multi_in(X, K).tolist() == [[56.0, 72.0], [104.0, 120.0]]


@pytest.mark.parametrize("semente", range(3))
def test_multi_in_out_igual_ao_nn_conv2d(semente):
    g = torch.Generator().manual_seed(200 + semente)
    torch.manual_seed(semente)
    for n_h, n_w, k_h, k_w in formas_aleatorias(semente, quantas=8):
        c_i, c_o = (int(v) for v in torch.randint(1, 5, (2,), generator=g))
        camada = nn.Conv2d(c_i, c_o, (k_h, k_w))
        X = torch.randn((c_i, n_h, n_w), generator=g)
        with torch.no_grad():
            esperado = camada(X.unsqueeze(0))[0]
            obtido = conv.corr2d_multi_in_out(X, camada.weight) + camada.bias.reshape(-1, 1, 1)
            torch.testing.assert_close(obtido, esperado, atol=1e-4, rtol=1e-4)
            torch.testing.assert_close(conv.corr2d_multi_in(X, camada.weight[0]),
                                       F.conv2d(X.unsqueeze(0), camada.weight[:1])[0, 0], atol=1e-4, rtol=1e-4)


def test_convolucao_1x1_e_produto_de_matrizes():
    g = torch.Generator().manual_seed(5)
    X, K = torch.randn((4, 5, 6), generator=g), torch.randn((3, 4, 1, 1), generator=g)
    Y = conv.corr2d_multi_in_out_1x1(X, K)
    assert Y.shape == (3, 5, 6)
    torch.testing.assert_close(Y, conv.corr2d_multi_in_out(X, K), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(Y, F.conv2d(X.unsqueeze(0), K)[0], atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("c_i, c_o, k_h, k_w, n, vies", [
    (1, 6, 5, 5, 32, True), (6, 16, 5, 5, 28, True), (3, 64, 7, 7, 20, False), (4, 3, 1, 3, 9, True)])
def test_contagens_batem_com_o_pytorch(c_i, c_o, k_h, k_w, n, vies):
    camada = nn.Conv2d(c_i, c_o, (k_h, k_w), bias=vies)
    assert conv.contar_parametros(c_i, c_o, k_h, k_w, vies=vies) == sum(p.numel() for p in camada.parameters())
    with FlopCounterMode(display=False) as contador:
        saida = camada(torch.zeros(1, c_i, n, n))
    m_h, m_w = saida.shape[-2:]
    assert conv.contar_multiplicacoes(c_i, c_o, k_h, k_w, m_h, m_w) * 2 == contador.get_total_flops()


# ---------------------------------------------------------------- lição 3

def test_tamanho_saida_em_muitas_configuracoes():
    g = torch.Generator().manual_seed(7)
    testadas = 0
    for _ in range(400):
        n_h, n_w, p_h, p_w, s_h, s_w = (int(v) for v in torch.randint(0, 6, (6,), generator=g))
        n_h, n_w, s_h, s_w = n_h * 5 + 1, n_w * 5 + 1, s_h + 1, s_w + 1
        k_h = int(torch.randint(1, n_h + 2 * p_h + 1, (1,), generator=g))
        k_w = int(torch.randint(1, n_w + 2 * p_w + 1, (1,), generator=g))
        camada = nn.Conv2d(1, 1, (k_h, k_w), padding=(p_h, p_w), stride=(s_h, s_w))
        forma = camada(torch.zeros(1, 1, n_h, n_w)).shape[-2:]
        assert tuple(forma) == (conv.tamanho_saida(n_h, k_h, p_h, s_h), conv.tamanho_saida(n_w, k_w, p_w, s_w))
        testadas += 1
    assert testadas == 400


def test_exemplos_classicos_de_tamanho():
    assert conv.tamanho_saida(8, 3, 1, 2) == 4
    assert (conv.tamanho_saida(8, 3, 0, 3), conv.tamanho_saida(8, 5, 1, 4)) == (2, 2)
    lado = 240
    for _ in range(10):
        lado = conv.tamanho_saida(lado, 5)
    assert lado == 200


@pytest.mark.parametrize("semente", range(3))
def test_corr2d_passo_igual_ao_pytorch(semente):
    g = torch.Generator().manual_seed(300 + semente)
    for n_h, n_w, k_h, k_w in formas_aleatorias(semente, quantas=10):
        s = tuple(int(v) for v in torch.randint(1, 4, (2,), generator=g))
        X, K = torch.randn((n_h, n_w), generator=g), torch.randn((k_h, k_w), generator=g)
        esperado = F.conv2d(X.reshape(1, 1, n_h, n_w), K.reshape(1, 1, k_h, k_w), stride=s)[0, 0]
        torch.testing.assert_close(conv.corr2d_passo(X, K, s), esperado, atol=1e-5, rtol=1e-5)


def test_exemplo_do_passo_3_2():
    X = F.pad(torch.arange(9.0).reshape(3, 3), (1, 1, 1, 1))
    assert conv.corr2d_passo(X, torch.arange(4.0).reshape(2, 2), (3, 2)).tolist() == [[0.0, 8.0], [6.0, 8.0]]


# ---------------------------------------------------------------- entradas erradas: erro claro, em português

def test_corr2d_multi_in_recusa_canais_diferentes():
    """Antes, zip descartava o 3º canal de X em silêncio e devolvia um resultado."""
    X, K = torch.ones((3, 4, 4)), torch.ones((2, 2, 2))
    with pytest.raises(ValueError, match="X tem 3 canais e K tem 2"):
        conv.corr2d_multi_in(X, K)
    with pytest.raises(RuntimeError):  # o PyTorch também recusa
        F.conv2d(X.unsqueeze(0), K.unsqueeze(0))
    with pytest.raises(ValueError, match="X tem 3 canais e K tem 2"):
        conv.corr2d_multi_in_out(X, K.unsqueeze(0))


def test_pool2d_passo_recusa_preenchimento_do_tamanho_da_janela():
    """Antes, devolvia -inf (janelas só de moldura) onde o PyTorch recusa."""
    X = torch.arange(16.0).reshape(4, 4)
    with pytest.raises(ValueError, match="preenchimento deve ir de 0 à metade da janela"):
        conv.pool2d_passo(X, (2, 2), (2, 2))
    with pytest.raises(RuntimeError, match="pad should be"):
        F.max_pool2d(X.reshape(1, 1, 4, 4), 2, 2, 2)


@pytest.mark.parametrize("chamada, trecho", [
    (lambda: conv.corr2d(torch.ones(5), torch.ones((2, 2))), "devem ser matrizes"),  # antes: IndexError
    (lambda: conv.corr2d(torch.ones((2, 2)), torch.ones((3, 3))), "não cabe em X"),  # antes: RuntimeError em inglês
    (lambda: conv.corr2d(torch.ones((3, 3)), torch.ones((3, 4))), "não cabe em X"),  # antes: saída vazia, calada
    (lambda: conv.corr2d_passo(torch.ones((4, 4)), torch.ones((2, 2)), (0, 1)), "passo deve ser ≥ 1"),  # ZeroDivisionError
    (lambda: conv.corr2d_passo(torch.ones((2, 4)), torch.ones((3, 2)), (1, 1)), "não cabe em X"),
    (lambda: conv.corr2d_multi_in(torch.ones((4, 4)), torch.ones((2, 2))), "3 dimensões"),
    (lambda: conv.corr2d_multi_in_out_1x1(torch.ones((2, 4, 4)), torch.ones((3, 2, 3, 3))), "forma \\(c_o, 2, 1, 1\\)"),
    (lambda: conv.tamanho_saida(8, 3, 0, 0), "passo deve ser ≥ 1"),  # antes: ZeroDivisionError
    (lambda: conv.tamanho_saida(4, 9), "maior que a entrada preenchida"),  # antes: -4, calado
    (lambda: conv.pool2d(torch.ones((3, 3)), (4, 2)), "não cabe em X"),  # antes: RuntimeError em inglês
    (lambda: conv.pool2d_passo(torch.ones((4, 4)), (2, 2), passo=(0, 1)), "devem ser ≥ 1"),  # ZeroDivisionError
    (lambda: conv.pool2d_passo(torch.ones((4, 4)), (2, 2), (-1, 0)), "de 0 à metade"),
    (lambda: conv.pool2d_passo(torch.ones((1, 4)), (4, 2), (1, 0)), "não cabe em X preenchido"),
    (lambda: conv.pool2d_canais(torch.ones((4, 4)), (2, 2)), "uma matriz \\(um canal\\)"),
    (lambda: conv.pool2d(torch.ones((4, 4)), (2, 2), "soma"), 'modo deve ser "max" ou "media"'),
    (lambda: conv.pool2d(torch.ones((4, 4)), 2.5), "tamanho deve ser um inteiro ou um par"),  # antes: TypeError em inglês
    (lambda: conv.pool2d(torch.ones((4, 4)), (2, 2, 2)), "tamanho deve ser um inteiro ou um par"),  # too many values
    (lambda: conv.pool2d_passo(torch.ones((4, 4)), 2, (1,)), "preenchimento deve ser um inteiro ou um par"),
    (lambda: conv.pool2d_passo(torch.ones((4, 4)), 2, passo="2"), "passo deve ser um inteiro ou um par"),
    (lambda: conv.corr2d_passo(torch.ones((4, 4)), torch.ones((2, 2)), (1.0, 2)), "passo deve ser um inteiro ou um par"),
])
def test_entradas_erradas_dao_erro_claro(chamada, trecho):
    with pytest.raises(ValueError, match=trecho):
        chamada()


def test_um_inteiro_vale_pelas_duas_direcoes_como_no_pytorch():
    """pool2d(X, 2) é pool2d(X, (2, 2)), como nn.MaxPool2d(2); antes, "cannot unpack non-iterable int object"."""
    X = torch.randn(7, 6, generator=torch.Generator().manual_seed(3))
    lote = X.reshape(1, 1, 7, 6)
    assert torch.equal(conv.pool2d(X, 2), conv.pool2d(X, (2, 2)))
    assert torch.equal(conv.pool2d_passo(X, 3, 1, 2), F.max_pool2d(lote, 3, 2, 1)[0, 0])
    assert torch.allclose(conv.pool2d_passo(X, 2, modo="media"), F.avg_pool2d(lote, 2)[0, 0])
    K = torch.randn(2, 3, generator=torch.Generator().manual_seed(4))
    assert torch.allclose(conv.corr2d_passo(X, K, 2), F.conv2d(lote, K.reshape(1, 1, 2, 3), stride=2)[0, 0])
    assert conv.par(3, "x") == (3, 3) and conv.par([3, 2], "x") == (3, 2)


def test_pool2d_passo_recusa_exatamente_o_que_o_pytorch_recusa():
    g = torch.Generator().manual_seed(11)
    recusas = 0
    for _ in range(300):
        k = tuple(int(v) for v in torch.randint(1, 5, (2,), generator=g))
        p = tuple(int(v) for v in torch.randint(0, 4, (2,), generator=g))
        s = tuple(int(v) for v in torch.randint(1, 4, (2,), generator=g))
        n = tuple(int(v) for v in torch.randint(1, 7, (2,), generator=g))
        X = torch.randn(n, generator=g)
        try:
            F.max_pool2d(X.reshape(1, 1, *n), k, s, p)
            pytorch_recusa = False
        except RuntimeError:
            pytorch_recusa = True
        for modo in ("max", "media"):
            try:
                conv.pool2d_passo(X, k, p, s, modo)
                nos_recusamos = False
            except ValueError:
                nos_recusamos = True
            assert nos_recusamos == pytorch_recusa, (n, k, p, s, modo)
        recusas += pytorch_recusa
    assert 50 < recusas < 250  # o sorteio cobre os dois lados
