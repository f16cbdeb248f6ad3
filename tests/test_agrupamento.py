"""Lição 4 (agrupamento): as funções do zero batem com o PyTorch, os verificadores dão o estado
certo para cada tipo de resposta, as soluções da lição passam nos verificadores e as figuras
mostram valores calculados."""
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import yaml  # noqa: E402
from PIL import Image  # noqa: E402
from torch import nn  # noqa: E402

from cursoconv import conv, figuras  # noqa: E402
from cursoconv.exercicios import base, licao4  # noqa: E402

RAIZ = Path(__file__).resolve().parents[1]
LICAO = RAIZ / "lessons" / "04-agrupamento.ipynb"


@pytest.fixture(autouse=True)
def fechar_figuras():
    yield
    plt.close("all")


def configuracoes(semente, quantas):
    """Configurações sorteadas (entrada, janela, preenchimento até metade da janela, passo)."""
    g = torch.Generator().manual_seed(semente)

    def sorteia(a, b):
        return int(torch.randint(a, b + 1, (1,), generator=g))

    for _ in range(quantas):
        k = (sorteia(1, 5), sorteia(1, 5))
        p = (sorteia(0, k[0] // 2), sorteia(0, k[1] // 2))
        n = (sorteia(max(1, k[0] - 2 * p[0]), 13), sorteia(max(1, k[1] - 2 * p[1]), 13))
        s = (sorteia(1, 5), sorteia(1, 5))
        c = sorteia(1, 4)
        yield torch.randn((c, *n), generator=g), k, p, s


# --------------------------------------------------------------------------
# As funções do zero contra o PyTorch
# --------------------------------------------------------------------------

@pytest.mark.parametrize("semente", range(4))
def test_pool2d_passo_e_canais_batem_com_o_pytorch(semente):
    for X, k, p, s in configuracoes(semente, 60):
        lote = X.unsqueeze(0)
        for modo, referencia in (("max", F.max_pool2d(lote, k, s, p)[0]),
                                 ("media", F.avg_pool2d(lote, k, s, p)[0])):
            caso = f"X {tuple(X.shape)}, k={k}, p={p}, s={s}, {modo}"
            nosso = conv.pool2d_canais(X, k, p, s, modo)
            assert nosso.shape == referencia.shape, caso
            assert torch.allclose(nosso, referencia, atol=1e-6), caso
            um_canal = conv.pool2d_passo(X[0], k, p, s, modo)
            assert torch.allclose(um_canal, referencia[0], atol=1e-6), caso
            assert tuple(um_canal.shape) == (conv.tamanho_saida(X.shape[1], k[0], p[0], s[0]),
                                             conv.tamanho_saida(X.shape[2], k[1], p[1], s[1])), caso


@pytest.mark.parametrize("semente", range(3))
def test_pool2d_e_o_agrupamento_de_passo_1(semente):
    for X, k, _, _ in configuracoes(semente, 40):
        x = X[0]
        if x.shape[0] < k[0] or x.shape[1] < k[1]:
            continue
        lote = x.reshape(1, 1, *x.shape)
        assert torch.equal(conv.pool2d(x, k), F.max_pool2d(lote, k, stride=1)[0, 0])
        assert torch.allclose(conv.pool2d(x, k, "media"), F.avg_pool2d(lote, k, stride=1)[0, 0], atol=1e-6)


def test_passo_padrao_e_o_tamanho_da_janela_como_no_pytorch():
    X = torch.randn(3, 7, 9)
    for k in ((2, 2), (3, 2), (2, 4)):
        camada = nn.MaxPool2d(k)
        assert camada.stride == k
        assert torch.equal(conv.pool2d_canais(X, k), camada(X.unsqueeze(0))[0])
        assert torch.allclose(conv.pool2d_canais(X, k, modo="media"), nn.AvgPool2d(k)(X.unsqueeze(0))[0],
                              atol=1e-6)


def test_maximo_preenche_com_menos_infinito_e_media_conta_a_moldura():
    negativa = -torch.arange(1.0, 10.0).reshape(3, 3)
    assert conv.pool2d_passo(negativa, (2, 2), (1, 1)).tolist() == [[-1.0, -2.0], [-4.0, -5.0]]
    assert conv.pool2d_passo(torch.ones(3, 3), (2, 2), (1, 1), modo="media").tolist() == [[0.25, 0.5],
                                                                                         [0.5, 1.0]]


def test_modo_desconhecido_da_mensagem_em_portugues():
    for funcao in (conv.pool2d, conv.pool2d_passo):
        with pytest.raises(ValueError, match='modo deve ser "max" ou "media"'):
            funcao(torch.ones(3, 3), (2, 2), modo="mean")


# --------------------------------------------------------------------------
# Verificadores
# --------------------------------------------------------------------------

def estado(verificar, resposta, rotulo):
    base.RESULTADOS.pop(rotulo, None)
    assert verificar(resposta) is None
    return base.RESULTADOS[rotulo]["estado"], base.RESULTADOS[rotulo]["mensagem"]


def media_certa(X, tamanho, preenchimento, passo):
    k_h, k_w = tamanho
    p_h, p_w = preenchimento
    s_h, s_w = passo
    Xp = F.pad(X, (p_w, p_w, p_h, p_h))
    reais = F.pad(torch.ones_like(X), (p_w, p_w, p_h, p_h))
    Y = torch.zeros(((Xp.shape[0] - k_h) // s_h + 1, (Xp.shape[1] - k_w) // s_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            r, c = i * s_h, j * s_w
            Y[i, j] = Xp[r:r + k_h, c:c + k_w].sum() / reais[r:r + k_h, c:c + k_w].sum()
    return Y


def sem_resposta(*args):
    raise NotImplementedError


def com_excecao(*args):
    return args[0][100, 100]


def sem_return(*args):
    args[0] * 2


def test_verificador_da_media_sem_preenchimento():
    v, r = licao4.verificar_media_sem_preenchimento, "ex-l4-media-real"
    assert estado(v, media_certa, r)[0] == "correto"
    assert estado(v, None, r)[0] == "sem resposta"
    assert estado(v, sem_resposta, r)[0] == "sem resposta"
    est, msg = estado(v, com_excecao, r)
    assert est == "erro" and "IndexError" in msg
    est, msg = estado(v, sem_return, r)
    assert est == "errado" and "return" in msg
    est, msg = estado(v, lambda X, k, p, s: conv.pool2d_passo(X, k, p, s, "media"), r)
    assert est == "errado" and "moldura de zeros entrou na divisão" in msg
    est, msg = estado(v, lambda X, k, p, s: X.sum(), r)
    assert est == "errado" and "forma" in msg
    est, msg = estado(v, lambda X, k, p, s: "texto", r)
    assert est == "errado" and "deve ser um tensor" in msg
    pytorch = lambda X, k, p, s: F.avg_pool2d(X[None, None], k, s, p, count_include_pad=False)[0, 0]  # noqa: E731
    est, msg = estado(v, pytorch, r)
    assert est == "errado" and "F.avg_pool2d" in msg and "próprio código" in msg
    camada = lambda X, k, p, s: nn.AvgPool2d(k, s, p, count_include_pad=False)(X[None, None])[0, 0]  # noqa: E731
    assert "F.avg_pool2d" in estado(v, camada, r)[1]
    est, msg = estado(v, conv.pool2d_passo, r)
    assert est == "errado" and "conv.pool2d_passo" in msg



def media_pela_convolucao(X, tamanho, preenchimento, passo):
    """A média sem a moldura com F.conv2d (somas por um núcleo de uns): o enunciado só proíbe o agrupamento."""
    uns = torch.ones(1, 1, *tamanho)
    somas = F.conv2d(X[None, None], uns, stride=passo, padding=preenchimento)
    reais = F.conv2d(torch.ones_like(X)[None, None], uns, stride=passo, padding=preenchimento)
    return (somas / reais)[0, 0]


def test_media_sem_preenchimento_aceita_o_que_o_enunciado_permite_e_recusa_atalhos_por_qualquer_nome():
    from torch.nn.functional import avg_pool2d as media  # um apelido
    v, r = licao4.verificar_media_sem_preenchimento, "ex-l4-media-real"
    assert estado(v, media_pela_convolucao, r)[0] == "correto"
    apelido = lambda X, k, p, s: media(X[None, None], k, s, p, count_include_pad=False)[0, 0]  # noqa: E731
    pelo_aten = lambda X, k, p, s: torch.ops.aten.avg_pool2d.default(  # noqa: E731
        X[None, None], list(k), list(s), list(p), False, False)[0, 0]
    for atalho in (apelido, pelo_aten):
        est, msg = estado(v, atalho, r)
        assert est == "errado" and "F.avg_pool2d" in msg and "próprio código" in msg


def test_verificador_da_media_sorteia_entradas_novas():
    vistas = []

    def anota(X, k, p, s):
        vistas.append(X.clone())
        return media_certa(X, k, p, s)

    licao4.verificar_media_sem_preenchimento(anota)
    licao4.verificar_media_sem_preenchimento(anota)
    metade = len(vistas) // 2
    assert metade >= 10
    assert any(a.shape != b.shape or not torch.equal(a, b) for a, b in zip(vistas[:metade], vistas[metade:]))


def lado_certo(n):
    for k, p, s in ((5, 2, 1), (3, 0, 2), (3, 1, 2), (2, 0, 2)):
        n = conv.tamanho_saida(n, k, p, s)
    return n


def test_verificador_do_lado_da_pilha():
    v, r = licao4.verificar_lado_da_pilha, "ex-l4-pilha"
    assert estado(v, lado_certo, r)[0] == "correto"
    assert estado(v, lambda n: float(lado_certo(n)), r)[0] == "correto"
    assert estado(v, None, r)[0] == "sem resposta"
    assert estado(v, sem_resposta, r)[0] == "sem resposta"
    assert estado(v, lambda n: 1 // 0, r)[0] == "erro"
    est, msg = estado(v, lambda n: None, r)
    assert est == "errado" and "return" in msg
    est, msg = estado(v, lambda n: str(lado_certo(n)), r)
    assert est == "errado" and "número inteiro" in msg

    def passo_1_no_ultimo(n):
        for k, p, s in ((5, 2, 1), (3, 0, 2), (3, 1, 2), (2, 0, 1)):
            n = conv.tamanho_saida(n, k, p, s)
        return n

    est, msg = estado(v, passo_1_no_ultimo, r)
    assert est == "errado" and "passo padrão" in msg
    rodando = lambda n: licao4.pilha()(torch.zeros(1, 1, n, n)).shape[-1]  # noqa: E731
    est, msg = estado(v, rodando, r)
    assert est == "errado" and "F.conv2d" in msg and "F.max_pool2d" in msg
    pelo_aten = lambda n: lado_certo(n) + 0 * torch.ops.aten.convolution.default(  # noqa: E731
        torch.zeros(1, 1, 5, 5), torch.zeros(1, 1, 3, 3), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1).sum()
    est, msg = estado(v, lambda n: int(pelo_aten(n)), r)
    assert est == "errado" and "F.conv2d" in msg


@pytest.mark.parametrize("aproximada", [lambda n: n // 8, lambda n: (n - 1) // 8, lambda n: round(n / 8)],
                         ids=["n//8", "(n-1)//8", "round(n/8)"])
def test_verificador_do_lado_da_pilha_nao_aceita_dividir_por_8(aproximada):
    # Terceira passada de fuzzing. Antes, só com 12 lados sorteados: n // 8 acerta 88% dos lados de 8 a 300
    # (o certo é (n + 1) // 8) e passava como "correto" em 1 de cada 5 verificações; (n - 1) // 8, em 1 de 30.
    for _ in range(5):
        est, msg = estado(licao4.verificar_lado_da_pilha, aproximada, "ex-l4-pilha")
        assert est == "errado", msg
    if aproximada(31) == 3:
        assert "camada a camada" in msg


def test_verificador_da_densa_depois_do_agrupamento_global():
    v, r = licao4.verificar_parametros_da_densa, "ex-l4-global"
    certo = lambda c, n, g: (c if g else c * n * n) * 1000 + 1000  # noqa: E731
    assert estado(v, certo, r)[0] == "correto"
    assert estado(v, lambda c, n, g: float(certo(c, n, g)), r)[0] == "correto"
    assert estado(v, None, r)[0] == "sem resposta"
    assert estado(v, sem_resposta, r)[0] == "sem resposta"
    est, msg = estado(v, lambda c, n, g: certo(c, n, g) - 1000, r)
    assert est == "errado" and "vieses" in msg
    est, msg = estado(v, lambda c, n, g: certo(c, n, not g), r)
    assert est == "errado" and "outra versão" in msg
    est, msg = estado(v, lambda c, n, g: 42, r)
    assert est == "errado" and "deu 42" in msg and "513.000 parâmetros" in msg
    assert estado(v, lambda c, n, g: 1 / 0, r)[0] == "erro"


def test_vigia_sai_de_cena_mesmo_com_erro():
    with pytest.raises(ZeroDivisionError):
        with base.Vigia() as vigia:
            F.max_pool2d(torch.ones(1, 1, 2, 2), 2)
            1 / 0
    assert vigia.usados == {"F.max_pool2d": "agrupamento"}
    with base.Vigia() as depois:
        pass
    F.avg_pool2d(torch.ones(1, 1, 2, 2), 2)  # fora do bloco: nenhum vigia anota
    assert depois.usados == {} and vigia.usados == {"F.max_pool2d": "agrupamento"}


# --------------------------------------------------------------------------
# A lição: soluções, exercícios e lugar no sumário
# --------------------------------------------------------------------------

def licao():
    return nbformat.read(LICAO, as_version=4)


def codigo_da_solucao(rotulo):
    texto = "\n".join(c.source for c in licao().cells if c.cell_type == "markdown")
    bloco = re.search(rf":::{{solution}} {rotulo}\n(.*?)\n:::", texto, re.S).group(1)
    return "\n".join(re.findall(r"```python\n(.*?)```", bloco, re.S))


def rodar_solucao(rotulo, capsys):
    espaco = {"torch": torch, "F": F, "nn": nn, "conv": conv, "pool2d_passo": conv.pool2d_passo}
    exec(codigo_da_solucao(rotulo), espaco)
    return espaco, capsys.readouterr().out


@pytest.mark.parametrize("rotulo, nome, verificar", [
    ("ex-l4-media-real", "media_sem_preenchimento", licao4.verificar_media_sem_preenchimento),
    ("ex-l4-pilha", "lado_da_pilha", licao4.verificar_lado_da_pilha),
    ("ex-l4-global", "parametros_da_densa", licao4.verificar_parametros_da_densa)])
def test_solucoes_da_licao_passam_no_verificador(rotulo, nome, verificar, capsys):
    espaco, saida = rodar_solucao(rotulo, capsys)
    assert estado(verificar, espaco[nome], rotulo)[0] == "correto"
    if rotulo == "ex-l4-pilha":
        assert saida.split() == ["28"]
    if rotulo == "ex-l4-global":
        assert saida.split() == ["513000", "25089000", "48.9"]


def test_solucao_de_leitura_tem_criterios_e_o_codigo_confirma(capsys):
    _, saida = rodar_solucao("ex-l4-deslocamento", capsys)
    assert saida.split() == ["True", "False"]
    texto = "\n".join(c.source for c in licao().cells if c.cell_type == "markdown")
    bloco = re.search(r":::{solution} ex-l4-deslocamento\n(.*?)\n:::", texto, re.S).group(1)
    assert "**Critérios de correção:**" in bloco


def test_licao_tem_exercicios_com_verificador_e_esta_antes_da_lenet():
    nb = licao()
    texto = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    rotulos = re.findall(r":label: (ex-l4-[\w-]+)", texto)
    assert 3 <= len(rotulos) <= 5
    for rotulo in rotulos:
        assert f":::{{solution}} {rotulo}" in texto
    codigo = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for nome in ("verificar_media_sem_preenchimento", "verificar_lado_da_pilha", "verificar_parametros_da_densa"):
        assert f"licao4.{nome}(" in codigo
    assert nb.cells[0].source.startswith("# Lição 4 — Agrupamento (pooling)")
    from ferramentas import repositorio
    capitulos = repositorio.paginas_do_toc()
    assert capitulos.index("lessons/04-agrupamento") + 1 == capitulos.index("lessons/05-lenet5-fashion-mnist")


def test_numeros_do_texto_vem_das_celulas():
    nb = licao()
    saidas = "\n".join(s.get("text", "") for c in nb.cells if c.cell_type == "code" for s in c.outputs)
    texto = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "diferenças: 0" in saidas and "500 configurações" in texto
    assert "5,76 vezes menos" in saidas and "5{,}76" in texto and "5,76 vezes" in texto
    assert "máximo: mudam 0 de 6 valores" in saidas
    assert "1.382.400" in saidas and "240.000" in saidas
    assert "MaxPool2d(kernel_size=3, stride=2, padding=1" in saidas and "(1, 512, 7, 7)" in saidas


# --------------------------------------------------------------------------
# Figuras
# --------------------------------------------------------------------------

def textos(fig):
    return [t for ax in fig.axes for t in ax.texts if t.get_text()] + [ax.title for ax in fig.axes if ax.get_title()] + \
        [ax.yaxis.label for ax in fig.axes if ax.get_ylabel()]


X = torch.arange(9.0).reshape(3, 3)
A = torch.tensor([[1.0, 3.0, 2.0, 0.0], [4.0, 8.0, 5.0, 1.0], [0.0, 2.0, 9.0, 7.0], [6.0, 4.0, 3.0, 5.0]])


def test_figura_do_maximo_e_da_media():
    fig = figuras.desenhar_agrupamento(X, (2, 2), modo="max", passo=(1, 1))
    assert fig.saida.tolist() == [[4.0, 5.0], [7.0, 8.0]]
    assert fig.conta == "máx(0, 1, 3, 4) = 4"
    escritos = [t.get_text() for t in textos(fig)]
    assert {"4", "5", "7", "8", fig.conta} <= set(escritos)
    media = figuras.desenhar_agrupamento(torch.tensor([[1.0, 2.0], [3.0, 3.0]]), (2, 2), modo="media")
    assert media.conta == "média(1; 2; 3; 3) = 2,25"


def test_figura_com_preenchimento_mostra_menos_infinito():
    fig = figuras.desenhar_agrupamento(X, (2, 2), modo="max", posicao=(0, 1), preenchimento=1)
    assert fig.saida.tolist() == [[0.0, 2.0], [6.0, 8.0]]
    assert fig.conta == "máx(−∞, −∞, 1, 2) = 2"
    assert [t.get_text() for t in textos(fig)].count("−∞") == 16


def test_figura_usa_a_funcao_da_licao(monkeypatch):
    monkeypatch.setattr(conv, "pool2d_passo", lambda *a, **k: torch.full((2, 2), 7.0))
    fig = figuras.desenhar_agrupamento(X, (2, 2))
    assert fig.saida.tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert "7" in [t.get_text() for t in textos(fig)]


def test_animacao_do_agrupamento():
    gif = Image.open(io.BytesIO(figuras.animar_agrupamento(A, (2, 2), modo="max")))
    assert gif.n_frames == 4 and gif.info.get("loop") == 0
    gif = Image.open(io.BytesIO(figuras.animar_agrupamento(X, (2, 2), passo=(1, 1))))
    assert gif.n_frames == 4


def test_figura_do_deslocamento():
    imagem, deslocada = torch.zeros(4, 7), torch.zeros(4, 7)
    imagem[:, :3] = 1
    deslocada[:, :4] = 1
    fig = figuras.desenhar_deslocamento(imagem, deslocada, torch.tensor([[1.0, -1.0]]), rotulo="deslocada 1 pixel")
    assert fig.mudancas == {"correlação": (8, 24), "máximo": (0, 6)}
    assert fig.saidas["original"][2].tolist() == [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]
    # Texto branco só sobre fundo escuro: os zeros (fundo claro) são pretos, os uns (vermelho escuro), brancos.
    for ax in fig.axes[2:]:
        for t in ax.texts:
            assert t.get_color() == ("white" if t.get_text() == "1" else "black")


@pytest.mark.parametrize("desenhar", [
    lambda: figuras.desenhar_agrupamento(X, (2, 2), passo=(1, 1)),
    lambda: figuras.desenhar_agrupamento(X, (2, 2), posicao=(0, 1), preenchimento=1),
    lambda: figuras.desenhar_agrupamento(A, (2, 2), modo="media"),
    lambda: figuras.desenhar_deslocamento(torch.eye(4, 7), torch.eye(4, 7), torch.tensor([[1.0, -1.0]]))])
def test_figuras_da_licao_4_legiveis_no_celular(desenhar):
    fig = desenhar()
    largura = fig.get_size_inches()[0]
    menor = min(t.get_fontsize() for t in textos(fig))
    # No celular (tela de 360 px), o livro mostra a figura com 312 px de largura: letras de f pt
    # numa figura de L polegadas (100 pontos por polegada) ficam com
    # f·(100/72)·(312/(100·L))·0,75 = 3,25·f/L pt na tela.
    assert 3.25 * menor / largura >= 9, (menor, largura)


def test_figuras_l4_gravadas():
    nomes = {p.name for p in (RAIZ / "figures").glob("l4-*")}
    assert nomes == {"l4-maximo.png", "l4-preenchimento.png", "l4-animacao.gif", "l4-deslocamento.png"}


def test_figuras_do_agrupamento_aceitam_o_que_o_estudante_passa():
    # Antes (terceira passada de fuzzing): tamanho=2 dava "cannot unpack non-iterable int object"; uma lista,
    # AttributeError; um X de inteiros com modo="media", "mean(): could not infer output dtype"; com preenchimento,
    # "value cannot be converted to type int64_t"
    assert figuras.conta_agrupamento(A, 2) == figuras.conta_agrupamento(A, (2, 2)) == "máx(1, 3, 4, 8) = 8"
    assert figuras.desenhar_agrupamento(A.tolist(), 2, passo=1).conta == "máx(1, 3, 4, 8) = 8"
    inteiros = torch.arange(16).reshape(4, 4)
    assert figuras.desenhar_agrupamento(inteiros, (2, 2), modo="media").conta == "média(0; 1; 4; 5) = 2,5"
    assert figuras.desenhar_agrupamento(inteiros, (2, 2), preenchimento=1).conta == "máx(−∞, −∞, −∞, 0) = 0"
    assert figuras.desenhar_deslocamento(A.tolist(), A.numpy(), [[1, -1]], tamanho=2).mudancas["máximo"] == (0, 2)
    assert len(figuras.animar_agrupamento(A, 2)) > 0


@pytest.mark.parametrize("chamada, trecho", [
    (lambda: figuras.desenhar_agrupamento(A, (2, 2), preenchimento=(1, 1)), "preenchimento deve ser um inteiro"),
    (lambda: figuras.conta_agrupamento(A, (2, 2), posicao=1), r"posicao deve ser um par"),
    (lambda: figuras.desenhar_agrupamento(torch.full((4, 4), float("nan"))), "X tem NaN ou infinito"),
    (lambda: figuras.desenhar_agrupamento(torch.rand(200, 200)), "aceita até 12×12"),
    (lambda: figuras.animar_agrupamento(torch.rand(12, 12), (1, 1)), "teria 144 quadros"),
    (lambda: figuras.desenhar_deslocamento(A, A[:3], torch.tensor([[1.0, -1.0]])), "devem ter a mesma forma"),
])
def test_figuras_do_agrupamento_explicam_o_erro_em_portugues(chamada, trecho):
    # Antes: TypeError do torch, "cannot unpack", "cannot convert float NaN to integer", minutos de espera,
    # "The size of tensor a (4) must match the size of tensor b (3)"
    with pytest.raises(ValueError, match=trecho):
        chamada()
