"""Verificadores dos exercícios das lições 0 a 3 (cursoconv/exercicios/licao0.py a licao3.py).

Para cada verificador: a resposta certa dá "correto"; a errada, "errado"; a em
branco, "sem resposta"; a malformada (tipo ou forma), uma mensagem sem
traceback; a função que levanta, "erro"; a sem return, a mensagem do return; e
a que só chama a referência do curso ou o PyTorch, quando o exercício pede
código próprio, é reprovada. O estado vem de ``base.RESULTADOS``.
"""
import math
import sys

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from types import SimpleNamespace

from cursoconv import conv
from cursoconv.exercicios import base, licao0, licao1, licao2, licao3

#: Todos os verificadores das lições 0 a 3 pelo nome: v.verificar_lotes etc.
v = SimpleNamespace(**{nome: getattr(m, nome) for m in (licao0, licao1, licao2, licao3)
                       for nome in dir(m) if nome.startswith("verificar_")})


# ---------------------------------------------------------------- respostas certas

def lotes_por_epoca(n_imagens, tamanho_lote):
    lotes = math.ceil(n_imagens / tamanho_lote)
    return lotes, n_imagens - (lotes - 1) * tamanho_lote


def media_por_classe(X, y):
    medias = torch.zeros(10)
    for c in range(10):
        medias[c] = X[y == c].mean()
    return medias


def corr2d_vetorizada(X, K):
    k_h, k_w = K.shape
    m_h, m_w = X.shape[0] - k_h + 1, X.shape[1] - k_w + 1
    Y = torch.zeros((m_h, m_w))
    for a in range(k_h):
        for b in range(k_w):
            Y += K[a, b] * X[a:a + m_h, b:b + m_w]
    return Y


def camadas_para_cobrir(n, k):
    camadas = 0
    while camadas * (k - 1) + 1 < n:
        camadas += 1
    return camadas


def corr2d_matricial(X, K):
    c_o, c_i, k_h, k_w = K.shape
    m_h, m_w = X.shape[1] - k_h + 1, X.shape[2] - k_w + 1
    return (K.reshape(c_o, -1) @ F.unfold(X.unsqueeze(0), (k_h, k_w))[0]).reshape(c_o, m_h, m_w)


def tamanho_saida_dilatacao(n, k, p=0, s=1, d=1):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def campo_receptivo(camadas):
    lado, salto = 1, 1
    for k, s in camadas:
        lado += (k - 1) * salto
        salto *= s
    return lado


def conv2d_com_outro_nome(X, K):
    from torch.nn.functional import conv2d as correlacao  # um apelido não engana o vigia
    return correlacao(X[None, None], K[None, None])[0, 0]


def conv2d_pelo_aten(X, K):
    return torch.ops.aten.convolution.default(X[None, None], K[None, None], None, [1, 1], [0, 0], [1, 1],
                                              False, [0, 0], 1)[0, 0]


def levanta(*args):
    raise ValueError("ops")


def sem_return(*args):
    args[0] if args else None  # noqa: B018 (esqueceu o return)


def nao_feita(*args):
    raise NotImplementedError("complete esta função")


def dobra_x_e_calcula(calcular):
    """Uma resposta errada que mexe na entrada: dobra X no lugar e só depois calcula."""
    return lambda X, K: calcular(X.mul_(2), K)


def calcula_e_zera_x(calcular):
    """Uma resposta certa que, depois de calcular, zera X no lugar (a saída já está pronta)."""
    return lambda X, K: (calcular(X, K), X.zero_())[0]


# ---------------------------------------------------------------- casos
# Cada caso: verificador, situação, argumentos, estado esperado, trecho esperado na mensagem.

CERTO, ERRADO, BRANCO, ERRO = "correto", "errado", "sem resposta", "erro"
CINZA = torch.tensor([0.299, 0.587, 0.114]).reshape(1, 3, 1, 1)
PREWITT = torch.tensor([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]])

CASOS = [
    # lição 0
    (v.verificar_lotes, "certa", (lotes_por_epoca,), CERTO, ""),
    (v.verificar_lotes, "errada", (lambda n, b: (n // b, b),), ERRADO, "último lote"),
    (v.verificar_lotes, "branco", (None,), BRANCO, ""),
    (v.verificar_lotes, "branco", (nao_feita,), BRANCO, ""),
    (v.verificar_lotes, "malformada", (lambda n, b: n // b,), ERRADO, "dois números"),
    (v.verificar_lotes, "malformada", (lambda n, b: ("600", "0"),), ERRADO, "inteiro"),
    (v.verificar_lotes, "levanta", (levanta,), ERRO, "ValueError: ops"),
    (v.verificar_lotes, "sem return", (sem_return,), ERRADO, "return"),
    (v.verificar_media_por_classe, "certa", (media_por_classe,), CERTO, ""),
    (v.verificar_media_por_classe, "errada", (lambda X, y: X.mean().expand(10),), ERRADO, "X[y == c]"),
    (v.verificar_media_por_classe, "errada", (lambda X, y: media_por_classe(X, y).flip(0),), ERRADO,
     "valores não batem"),
    (v.verificar_media_por_classe, "branco", (None,), BRANCO, ""),
    (v.verificar_media_por_classe, "malformada", (lambda X, y: X.mean(dim=(1, 2, 3)),), ERRADO, "forma"),
    (v.verificar_media_por_classe, "malformada", (lambda X, y: [0.5] * 10,), ERRADO, "tensor"),
    (v.verificar_media_por_classe, "levanta", (levanta,), ERRO, "ValueError"),
    (v.verificar_media_por_classe, "sem return", (sem_return,), ERRADO, "return"),
    # lição 1
    (v.verificar_borda_horizontal, "certa", (PREWITT,), CERTO, ""),
    (v.verificar_borda_horizontal, "certa", (torch.tensor([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),), CERTO, ""),
    (v.verificar_borda_horizontal, "certa", ([[0, 0, 0], [1, 1, 1], [-1, -1, -1]],), CERTO, ""),
    (v.verificar_borda_horizontal, "errada", (PREWITT.t(),), ERRADO, "bordas verticais"),
    (v.verificar_borda_horizontal, "errada", (torch.ones(3, 3),), ERRADO, "cor constante"),
    (v.verificar_borda_horizontal, "errada", (torch.zeros(3, 3),), ERRADO, "não reage"),
    # o enunciado pede as três colunas da janela: nenhuma coluna toda zero
    (v.verificar_borda_horizontal, "errada", ([[1, 0, 1], [0, 0, 0], [-1, 0, -1]],), ERRADO, "coluna 2"),
    (v.verificar_borda_horizontal, "errada", ([[1, 0, 0], [0, 0, 0], [-1, 0, 0]],), ERRADO, "coluna 2 e a 3"),
    (v.verificar_borda_horizontal, "branco", (None,), BRANCO, ""),
    (v.verificar_borda_horizontal, "malformada", (torch.tensor([[1.0], [-1.0]]),), ERRADO, "forma (3, 3)"),
    (v.verificar_borda_horizontal, "malformada", ("núcleo",), ERRADO, "tensor"),
    (v.verificar_corr2d_vetorizada, "certa", (corr2d_vetorizada,), CERTO, ""),
    (v.verificar_corr2d_vetorizada, "errada", (conv.conv2d_de_verdade,), ERRADO, "valores não batem"),
    (v.verificar_corr2d_vetorizada, "errada", (lambda X, K: corr2d_vetorizada(X, K)[1:],), ERRADO, "forma"),
    (v.verificar_corr2d_vetorizada, "branco", (None,), BRANCO, ""),
    (v.verificar_corr2d_vetorizada, "branco", (nao_feita,), BRANCO, ""),
    (v.verificar_corr2d_vetorizada, "malformada", (lambda X, K: corr2d_vetorizada(X, K).tolist(),), ERRADO,
     "tensor"),
    (v.verificar_corr2d_vetorizada, "malformada", (torch.zeros(2, 2),), ERRADO, "função"),
    (v.verificar_corr2d_vetorizada, "levanta", (levanta,), ERRO, "ValueError: ops"),
    (v.verificar_corr2d_vetorizada, "sem return", (sem_return,), ERRADO, "return"),
    (v.verificar_corr2d_vetorizada, "atalho", (conv.corr2d,), ERRADO, "própria corr2d"),
    (v.verificar_corr2d_vetorizada, "atalho", (lambda X, K: conv.corr2d(X, K),), ERRADO, "posição da saída"),
    (v.verificar_corr2d_vetorizada, "atalho",
     (lambda X, K: F.conv2d(X[None, None], K[None, None])[0, 0],), ERRADO, "convolução pronta"),
    (v.verificar_corr2d_vetorizada, "atalho", (conv2d_com_outro_nome,), ERRADO, "convolução pronta"),
    (v.verificar_corr2d_vetorizada, "atalho", (conv2d_pelo_aten,), ERRADO, "convolução pronta"),
    (v.verificar_camadas_para_cobrir, "certa", (camadas_para_cobrir,), CERTO, ""),
    (v.verificar_camadas_para_cobrir, "certa", (lambda n, k: math.ceil((n - 1) / (k - 1)),), CERTO, ""),
    (v.verificar_camadas_para_cobrir, "errada", (lambda n, k: 14,), ERRADO, "L(k − 1) + 1"),
    (v.verificar_camadas_para_cobrir, "errada", (lambda n, k: n // (k - 1),), ERRADO, "camadas"),
    (v.verificar_camadas_para_cobrir, "branco", (None,), BRANCO, ""),
    (v.verificar_camadas_para_cobrir, "malformada", (lambda n, k: (n - 1) / (k - 1),), ERRADO, "inteiro"),
    (v.verificar_camadas_para_cobrir, "levanta", (levanta,), ERRO, "ValueError"),
    (v.verificar_camadas_para_cobrir, "sem return", (sem_return,), ERRADO, "return"),
    # lição 2
    (v.verificar_pesos_cinza, "certa", (CINZA,), CERTO, ""),
    (v.verificar_pesos_cinza, "certa", ([[[[0.299]], [[0.587]], [[0.114]]]],), CERTO, ""),
    (v.verificar_pesos_cinza, "errada", (torch.full((1, 3, 1, 1), 1 / 3),), ERRADO, "0,299R"),
    (v.verificar_pesos_cinza, "errada", (CINZA.flip(1),), ERRADO, "ordem dos canais"),
    (v.verificar_pesos_cinza, "branco", (None,), BRANCO, ""),
    (v.verificar_pesos_cinza, "malformada", (CINZA.flatten(),), ERRADO, "forma (1, 3, 1, 1)"),
    (v.verificar_pesos_cinza, "malformada", ({"R": 0.299},), ERRADO, "tensor"),
    (v.verificar_corr2d_matricial, "certa", (corr2d_matricial,), CERTO, ""),
    (v.verificar_corr2d_matricial, "errada",
     (lambda X, K: corr2d_matricial(X, K).flip(-1),), ERRADO, "valores não batem"),
    (v.verificar_corr2d_matricial, "branco", (None,), BRANCO, ""),
    (v.verificar_corr2d_matricial, "branco", (nao_feita,), BRANCO, ""),
    (v.verificar_corr2d_matricial, "malformada", (lambda X, K: corr2d_matricial(X, K)[0],), ERRADO, "forma"),
    (v.verificar_corr2d_matricial, "levanta", (levanta,), ERRO, "ValueError: ops"),
    (v.verificar_corr2d_matricial, "sem return", (sem_return,), ERRADO, "return"),
    (v.verificar_corr2d_matricial, "atalho", (conv.corr2d_multi_in_out,), ERRADO, "laço"),
    (v.verificar_corr2d_matricial, "atalho", (lambda X, K: F.conv2d(X[None], K)[0],), ERRADO,
     "convolução pronta"),
    (v.verificar_corr2d_matricial, "atalho", (lambda X, K: torch.ops.aten.convolution.default(
        X[None], K, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)[0],), ERRADO, "convolução pronta"),
    (v.verificar_custo_resnet, "certa", (9408, 118013952), CERTO, ""),
    (v.verificar_custo_resnet, "certa", (9408.0, 118_013_952), CERTO, ""),
    (v.verificar_custo_resnet, "errada", (9472, 118013952), ERRADO, "viés"),
    (v.verificar_custo_resnet, "errada", (9408, 3 * 64 * 49 * 224 * 224), ERRADO, "112×112"),
    (v.verificar_custo_resnet, "errada", (147, 39337984), ERRADO, "c_o·c_i·k_h·k_w"),
    (v.verificar_custo_resnet, "branco", (None, None), BRANCO, ""),
    (v.verificar_custo_resnet, "malformada", ("9408", [1]), ERRADO, "inteiro"),
    (v.verificar_custo_resnet, "malformada", (9408.5, 118013952), ERRADO, "inteiro"),
    (v.verificar_dobrar, "certa", (4, 4, 1, 4), CERTO, ""),
    (v.verificar_dobrar, "errada", (2, 4, 1, 4), ERRADO, "(a) parâmetros"),
    (v.verificar_dobrar, "errada", (4, 4, 4, 4), ERRADO, "(b) parâmetros"),
    (v.verificar_dobrar, "branco", (None, None, None, None), BRANCO, ""),
    (v.verificar_dobrar, "malformada", ("4x", 4, 1, 4), ERRADO, "número"),
    # lição 3
    (v.verificar_tamanho_saida_dilatacao, "certa", (tamanho_saida_dilatacao,), CERTO, ""),
    (v.verificar_tamanho_saida_dilatacao, "errada", (lambda n, k, p, s, d: conv.tamanho_saida(n, k, p, s),),
     ERRADO, "nn.Conv2d dá"),
    (v.verificar_tamanho_saida_dilatacao, "branco", (None,), BRANCO, ""),
    (v.verificar_tamanho_saida_dilatacao, "branco", (nao_feita,), BRANCO, ""),
    (v.verificar_tamanho_saida_dilatacao, "malformada",
     (lambda n, k, p, s, d: (n + 2 * p - d * (k - 1) - 1) / s + 1.5,), ERRADO, "//"),
    (v.verificar_tamanho_saida_dilatacao, "malformada", (lambda n, k, p, s, d: "7",), ERRADO, "inteiro"),
    (v.verificar_tamanho_saida_dilatacao, "levanta",
     (lambda n, k, p, s, d: (n + 2 * p - d * (k - 1) - 1) // (s - s) + 1,), ERRO, "ZeroDivisionError"),
    (v.verificar_tamanho_saida_dilatacao, "sem return", (sem_return,), ERRADO, "return"),
    (v.verificar_tamanho_saida_dilatacao, "atalho",
     (lambda n, k, p, s, d: nn.Conv2d(1, 1, k, s, p, d)(torch.zeros(1, 1, n, n)).shape[-1],), ERRADO,
     "convolução pronta"),
    (v.verificar_metade, "certa", ((3, 1, 2), (2, 0, 2)), CERTO, ""),
    (v.verificar_metade, "certa", ([4, 1, 2], (3.0, 1, 2)), CERTO, ""),
    (v.verificar_metade, "errada", ((3, 1, 1), (2, 0, 2)), ERRADO, "32×32 vira 32×32"),
    (v.verificar_metade, "errada", ((3, 1, 2), (3, 1, 2)), ERRADO, "iguais"),
    # o enunciado não exige núcleo de lado 2 ou mais: k=1 com passo 2 (ou k=1, p=7, s=3) também serve
    (v.verificar_metade, "certa", ((1, 0, 2), (3, 1, 2)), CERTO, ""),
    (v.verificar_metade, "certa", ((1, 7, 3), (2, 0, 2)), CERTO, ""),
    (v.verificar_metade, "errada", ((3, 40, 2), (3, 1, 2)), ERRADO, "não 16×16"),
    (v.verificar_metade, "errada", ((80, 0, 2), (3, 1, 2)), ERRADO, "vira 0×0"),
    (v.verificar_metade, "branco", ((None, None, None), (None, None, None)), BRANCO, ""),
    (v.verificar_metade, "malformada", ((3, 3), (1, 1), (2, 2)), ERRADO, "duas respostas"),
    (v.verificar_metade, "malformada", ((3, 3), (1, 1)), ERRADO, "trio"),
    (v.verificar_metade, "malformada", ((3, "1", 2), (2, 0, 2)), ERRADO, "inteiro"),
    (v.verificar_metade, "malformada", ((3, -1, 2), (2, 0, 2)), ERRADO, "negativo"),
    (v.verificar_preenchimento_par, "certa", ((1, 2, 1, 2),), CERTO, ""),
    (v.verificar_preenchimento_par, "errada", ((2, 1, 2, 1),), ERRADO, "qual lado"),
    (v.verificar_preenchimento_par, "errada", ((1, 1, 1, 1),), ERRADO, "k − 1 = 3"),
    (v.verificar_preenchimento_par, "branco", (None,), BRANCO, ""),
    (v.verificar_preenchimento_par, "branco", ((None, None, None, None),), BRANCO, ""),
    (v.verificar_preenchimento_par, "malformada", ((1, 2),), ERRADO, "quatro inteiros"),
    (v.verificar_preenchimento_par, "malformada", ((1.5, 1.5, 1, 2),), ERRADO, "inteiro"),
    (v.verificar_preenchimento_par, "malformada", ((-1, 4, 1, 2),), ERRADO, "negativos"),
    (v.verificar_campo_receptivo, "certa", (campo_receptivo,), CERTO, ""),
    (v.verificar_campo_receptivo, "errada", (lambda camadas: 7,), ERRADO, "campo receptivo tem lado"),
    (v.verificar_campo_receptivo, "errada",
     (lambda camadas: 1 + sum(k - 1 for k, s in camadas),), ERRADO, "campo receptivo tem lado"),
    (v.verificar_campo_receptivo, "branco", (None,), BRANCO, ""),
    (v.verificar_campo_receptivo, "branco", (nao_feita,), BRANCO, ""),
    (v.verificar_campo_receptivo, "malformada", (lambda camadas: [7],), ERRADO, "inteiro"),
    (v.verificar_campo_receptivo, "levanta", (levanta,), ERRO, "ValueError"),
    (v.verificar_campo_receptivo, "sem return", (sem_return,), ERRADO, "return"),
    # Segunda passada de fuzzing. Antes: NaN no núcleo passava como "correto" (toda comparação com NaN
    # é falsa); NaN nos fatores também; infinito num inteiro dava OverflowError em inglês; e uma função
    # que mexia na entrada (X.mul_) era julgada contra a entrada mexida: a errada passava, a certa não.
    (v.verificar_borda_horizontal, "malformada", (torch.full((3, 3), math.nan),), ERRADO, "NaN"),
    (v.verificar_borda_horizontal, "malformada", ([[1, 1, 1], [0, math.nan, 0], [-1, -1, -1]],), ERRADO, "NaN"),
    (v.verificar_pesos_cinza, "malformada", (torch.full((1, 3, 1, 1), math.inf),), ERRADO, "infinit"),
    (v.verificar_dobrar, "malformada", (math.nan, math.nan, math.nan, math.nan), ERRADO, "finito"),
    (v.verificar_custo_resnet, "malformada", (math.inf, 118013952), ERRADO, "inteiro"),
    (v.verificar_lotes, "malformada", (lambda n, b: (math.inf, 1),), ERRADO, "inteiro"),
    (v.verificar_corr2d_vetorizada, "errada", (dobra_x_e_calcula(corr2d_vetorizada),), ERRADO, "valores"),
    (v.verificar_corr2d_vetorizada, "certa", (calcula_e_zera_x(corr2d_vetorizada),), CERTO, ""),
    (v.verificar_corr2d_matricial, "errada", (dobra_x_e_calcula(corr2d_matricial),), ERRADO, "valores"),
    (v.verificar_corr2d_matricial, "certa", (calcula_e_zera_x(corr2d_matricial),), CERTO, ""),
    # Terceira passada de fuzzing. Antes: um fator entregue como texto ("4") passava como "correto" (o
    # inteiro como texto já era recusado); um tamanho infinito ou NaN dava OverflowError ou ValueError em
    # inglês; exit() ou sys.exit() na função não dava veredito nenhum (SystemExit passava direto); e
    (v.verificar_dobrar, "malformada", ("4", 4, 1, 4), ERRADO, "número"),
    (v.verificar_dobrar, "malformada", (4, 4, "1", 4), ERRADO, "número"),
    (v.verificar_tamanho_saida_dilatacao, "malformada", (lambda n, k, p, s, d: math.inf,), ERRADO, "inteiro"),
    (v.verificar_tamanho_saida_dilatacao, "malformada", (lambda n, k, p, s, d: math.nan,), ERRADO, "inteiro"),
    (v.verificar_lotes, "levanta", (lambda n, b: sys.exit(1),), ERRO, "sys.exit"),
    (v.verificar_corr2d_vetorizada, "levanta", (lambda X, K: exit(),), ERRO, "return"),
    # um inteiro grande demais para um float (10 ** 400) dava OverflowError em inglês, e não o veredito.
    (v.verificar_custo_resnet, "errada", (10 ** 400, 118013952), ERRADO, "não está certo"),
]


@pytest.mark.parametrize("verificador, situacao, args, estado, trecho", CASOS,
                         ids=[f"{c[0].__name__}-{c[1]}-{i}" for i, c in enumerate(CASOS)])
def test_verificador(capsys, verificador, situacao, args, estado, trecho):
    base.RESULTADOS.clear()
    for _ in range(3):  # as entradas são sorteadas a cada chamada: o veredito não pode variar
        assert verificador(*args) is None
        saida = capsys.readouterr().out
        resultado = base.RESULTADOS[verificador.rotulo]
        assert resultado["estado"] == estado, saida
        assert saida.startswith(f"Exercício «{verificador.nome}»: ")
        assert "Traceback" not in saida and trecho in resultado["mensagem"], saida
        if estado != CERTO:
            assert resultado["mensagem"], "todo veredito que não é correto explica o que falta"


VERIFICADORES = sorted({c[0] for c in CASOS}, key=lambda v: v.__name__)


@pytest.mark.parametrize("verificador", VERIFICADORES, ids=lambda v: v.__name__)
def test_cada_verificador_cobre_todas_as_situacoes(verificador):
    situacoes = {c[1] for c in CASOS if c[0] is verificador}
    assert {"certa", "errada", "branco", "malformada"} <= situacoes
    recebe_funcao = verificador.__name__ not in {
        "verificar_borda_horizontal", "verificar_pesos_cinza", "verificar_custo_resnet", "verificar_dobrar",
        "verificar_metade", "verificar_preenchimento_par"}
    if recebe_funcao:
        assert {"levanta", "sem return"} <= situacoes


def test_rotulos_sao_os_das_licoes_0_a_3():
    rotulos = [v.rotulo for v in VERIFICADORES]
    assert len(rotulos) == len(set(rotulos)) == 13
    assert all(r.startswith(("ex-l0-", "ex-l1-", "ex-l2-", "ex-l3-")) for r in rotulos)


def test_referencias_dos_verificadores_batem_com_o_pytorch():
    # As respostas certas acima são as que os verificadores aceitam; conferimos as contas com o PyTorch.
    for n, b in [(60000, 100), (60000, 128), (37, 5), (10, 10)]:
        carregador = torch.utils.data.DataLoader(range(n), batch_size=b)
        ultimo = len(list(carregador)[-1])
        assert lotes_por_epoca(n, b) == (len(carregador), ultimo)
    torch.manual_seed(0)
    for camadas in [[(3, 2), (3, 1)], [(3, 1), (3, 1)], [(5, 2), (3, 2), (3, 1)]]:
        rede = nn.Sequential(*[nn.Conv2d(1, 1, k, stride=s) for k, s in camadas])
        entrada = torch.rand((1, 1, 40, 40), requires_grad=True)
        rede(entrada)[0, 0, 0, 0].backward()
        depende = entrada.grad[0, 0] != 0
        assert depende.any(dim=1).sum().item() == campo_receptivo(camadas)
    assert lotes_por_epoca(60000, 128) == (469, 96) and camadas_para_cobrir(28, 3) == 14


@pytest.mark.skipif(not torch.cuda.is_available(), reason="precisa de uma GPU NVIDIA")
def test_saida_do_estudante_na_gpu_e_comparada_como_na_cpu():
    from cursoconv.exercicios import base
    esperado = torch.arange(6.0).reshape(2, 3)
    assert base.comparar_tensor(esperado.cuda(), esperado, "X") == []
    assert base.comparar_tensor(esperado.cuda() + 1, esperado, "X") != []


# ---------------------------------------------------------------- o que a função do estudante imprime
# Um print de depuração na função do estudante saía uma vez por entrada sorteada (30 a 40 cópias antes do
# veredito). Agora só a saída da primeira chamada aparece, na hora, e uma nota antes do veredito diz em
# quantas das outras chamadas a função imprimiu.

def nota(impressas):
    return (f"(a sua função imprimiu em {impressas} das outras chamadas do verificador, com entradas diferentes; "
            "mostrei só a saída da primeira.)")


def que_imprime(calcular, chamadas, falha_na=None):
    """A resposta ``calcular`` com um print de depuração (``chamadas`` conta as chamadas); a chamada
    ``falha_na``, se houver, levanta ValueError depois de imprimir."""
    def funcao(*args):
        chamadas.append(args)
        print(f"depurando a chamada {len(chamadas)}")
        if len(chamadas) == falha_na:
            raise ValueError("ops")
        return calcular(*args)
    return funcao


@pytest.mark.parametrize("verificador, calcular", [
    (v.verificar_lotes, lotes_por_epoca),  # chamar
    (v.verificar_corr2d_vetorizada, corr2d_vetorizada),  # chamar_vigiado
    (v.verificar_tamanho_saida_dilatacao, tamanho_saida_dilatacao),  # chamar dentro de um Vigia, 200 chamadas
], ids=lambda x: getattr(x, "__name__", ""))
def test_o_print_do_estudante_sai_uma_vez_seguido_de_uma_nota(capsys, verificador, calcular):
    base.RESULTADOS.clear()
    chamadas = []
    verificador(que_imprime(calcular, chamadas))
    assert len(chamadas) > 5 and base.RESULTADOS[verificador.rotulo]["estado"] == CERTO
    assert capsys.readouterr().out.splitlines() == [
        "depurando a chamada 1", nota(len(chamadas) - 1), f"Exercício «{verificador.nome}»: correto!"]


def test_sem_print_nao_ha_nota_e_a_contagem_recomeca_a_cada_verificacao(capsys):
    v.verificar_lotes(que_imprime(lotes_por_epoca, []))
    assert nota(32) in capsys.readouterr().out  # 33 chamadas: 2 casos fixos, 30 sorteados e 1 de divisão exata
    for _ in range(2):
        v.verificar_lotes(lotes_por_epoca)
        assert capsys.readouterr().out == "Exercício «lotes por época»: correto!\n"

    def so_no_primeiro_caso(n, b):
        if (n, b) == (60000, 100):
            print("só no 1º caso")
        return lotes_por_epoca(n, b)

    v.verificar_lotes(so_no_primeiro_caso)
    assert capsys.readouterr().out == "só no 1º caso\nExercício «lotes por época»: correto!\n"


def test_a_saida_da_primeira_chamada_aparece_na_hora(capsys):
    # Se uma chamada seguinte travar (aqui ela é interrompida, como pelo botão de parar do Jupyter), a saída
    # da primeira já está na tela; a da que travou, não. E a verificação seguinte funciona como sempre.
    na_tela = []

    def trava_na_segunda(n, b):
        na_tela.append(capsys.readouterr().out)  # o que já apareceu quando a chamada começa
        print(f"chamada {len(na_tela)}")
        if len(na_tela) == 2:
            raise KeyboardInterrupt
        return lotes_por_epoca(n, b)

    with pytest.raises(KeyboardInterrupt):
        v.verificar_lotes(trava_na_segunda)
    assert na_tela == ["", "chamada 1\n"] and capsys.readouterr().out == ""
    v.verificar_lotes(que_imprime(lotes_por_epoca, []))
    assert capsys.readouterr().out.splitlines() == [
        "depurando a chamada 1", nota(32), "Exercício «lotes por época»: correto!"]


@pytest.mark.parametrize("falha_na", [1, 2, 3])
def test_a_funcao_que_imprime_e_da_erro_tem_o_veredito_de_erro(capsys, falha_na):
    base.RESULTADOS.clear()
    v.verificar_lotes(que_imprime(lotes_por_epoca, [], falha_na=falha_na))
    resultado = base.RESULTADOS["ex-l0-lotes"]
    assert resultado["estado"] == ERRO and "ValueError: ops" in resultado["mensagem"]
    assert capsys.readouterr().out.splitlines() == (
        ["depurando a chamada 1"] + [nota(falha_na - 1)] * (falha_na > 1)
        + ["Exercício «lotes por época»: a sua resposta deu erro.", f" - {resultado['mensagem']}"])


def test_uma_verificacao_dentro_de_outra_tem_a_sua_propria_contagem(capsys):
    internas = []

    def lotes_que_verifica(n, b):
        print("externa")
        v.verificar_camadas_para_cobrir(que_imprime(camadas_para_cobrir, internas))
        return lotes_por_epoca(n, b)

    v.verificar_lotes(lotes_que_verifica)
    assert capsys.readouterr().out.splitlines() == [
        "externa", "depurando a chamada 1", nota(40), "Exercício «camadas para cobrir a imagem»: correto!",
        nota(32), "Exercício «lotes por época»: correto!"]
    assert len(internas) == 33 * 41


# ---------------------------------------------------------------- o estado global do PyTorch
# Terceira passada de fuzzing. Antes: uma função que chamava torch.set_default_dtype(torch.float64) ou
# torch.set_grad_enabled(False) deixava o PyTorch assim depois da verificação, e o resto da lição quebrava
# (train_validate dizia que fora chamado dentro de torch.no_grad()). Agora o verificador devolve o estado.

@pytest.mark.parametrize("mudar", [lambda: torch.set_default_dtype(torch.float64),
                                   lambda: torch.set_grad_enabled(False)], ids=["dtype", "gradiente"])
def test_a_funcao_que_muda_o_estado_global_do_pytorch_nao_o_deixa_mudado(capsys, mudar):
    def lotes_que_mudam(n, b):
        mudar()
        return lotes_por_epoca(n, b)

    try:
        for verificar, resposta in ((v.verificar_lotes, lotes_que_mudam),
                                    (v.verificar_lotes, lambda n, b: (mudar(), 1 / 0))):
            verificar(resposta)
            assert torch.get_default_dtype() == torch.float32 and torch.is_grad_enabled()
        assert base.RESULTADOS["ex-l0-lotes"]["estado"] == ERRO
    finally:
        torch.set_default_dtype(torch.float32)
        torch.set_grad_enabled(True)
