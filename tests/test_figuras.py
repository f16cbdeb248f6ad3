"""Testes de cursoconv.figuras e de ferramentas/gerar_figuras.py: as figuras mostram valores calculados."""
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.patches  # noqa: E402
import matplotlib.text  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from cursoconv import conv, figuras  # noqa: E402

RAIZ = Path(__file__).resolve().parents[1]
X = torch.arange(9.0).reshape(3, 3)
K = torch.arange(4.0).reshape(2, 2)
X2 = torch.stack((X, X + 1))
K2 = torch.stack((K, K + 1))


@pytest.fixture(autouse=True)
def fechar_figuras():
    yield
    plt.close("all")


def textos(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_figura_de_um_canal_mostra_a_saida_calculada():
    fig = figuras.desenhar_correlacao(X, K)
    assert fig.saida.tolist() == [[19.0, 25.0], [37.0, 43.0]]
    assert fig.conta == "0×0 + 1×1 + 3×2 + 4×3 = 19"
    escritos = textos(fig)
    for valor in ("19", "25", "37", "43", fig.conta):
        assert valor in escritos


def test_figura_de_dois_canais_soma_os_canais():
    fig = figuras.desenhar_correlacao(X2, K2)
    assert fig.conta == "(0×0 + 1×1 + 3×2 + 4×3) + (1×1 + 2×2 + 4×3 + 5×4) = 56"
    assert {"56", "72", "104", "120"} <= set(textos(fig))


def test_revelar_esconde_os_valores_ainda_nao_calculados():
    escritos = textos(figuras.desenhar_correlacao(X, K, posicao=(0, 0), revelar=1))
    assert "19" in escritos and "25" not in escritos and "43" not in escritos


def test_figura_com_preenchimento_e_passo():
    fig = figuras.desenhar_correlacao(X, K, posicao=(0, 1), preenchimento=1, passo=(3, 2))
    assert fig.saida.tolist() == [[0.0, 8.0], [6.0, 8.0]]
    assert fig.conta == "0×0 + 0×1 + 1×2 + 2×3 = 8"
    assert textos(figuras.desenhar_correlacao(X, K, preenchimento=1)).count("0") >= 16  # a moldura de zeros


def test_figura_usa_as_funcoes_das_licoes(monkeypatch):
    # Se a função da lição mudar, a figura muda junto: nada é digitado à mão.
    monkeypatch.setattr(conv, "corr2d_multi_in", lambda X, K: torch.full((2, 2), 7.0))
    fig = figuras.desenhar_correlacao(X, K)
    assert fig.saida.tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert "7" in textos(fig) and "19" not in textos(fig)


@pytest.mark.parametrize("args, kwargs, quadros", [
    ((X, K), {}, 4), ((X2, K2), {}, 4), ((X, K), {"preenchimento": 1}, 16),
    ((X, K), {"preenchimento": 1, "passo": (3, 2)}, 4)])
def test_animacao_e_um_gif_com_um_quadro_por_saida(args, kwargs, quadros):
    dados = figuras.animar_correlacao(*args, **kwargs)
    assert dados[:6] in (b"GIF87a", b"GIF89a")
    gif = Image.open(io.BytesIO(dados))
    assert gif.n_frames == quadros
    assert gif.info.get("loop") == 0


def test_mostrar_matrizes_escreve_os_valores():
    Y = conv.corr2d(torch.tensor([[1.0, 1.0, 0.0]]), torch.tensor([[1.0, -1.0]]))
    fig = figuras.mostrar_matrizes([Y], ["saída"], cmaps=["gray"])
    assert textos(fig) == ["0", "1"]
    cores = [t.get_color() for t in fig.axes[0].texts]
    assert cores == ["white", "black"]  # 0 é preto no mapa cinza: texto branco
    assert len(figuras.mostrar_matrizes([Y], ["saída"], anotar=False).axes[0].texts) == 0


def test_grafico_encolhimento():
    fig = figuras.grafico_encolhimento(240, 5, 10, p=2)
    assert fig.lados[0][-1] == 200 and fig.lados[0][1] == 236
    assert fig.lados[2] == [240] * 11


def carregar_gerar_figuras():
    from ferramentas import gerar_figuras
    return gerar_figuras


def test_gerar_figuras_grava_todos_os_arquivos(tmp_path):
    modulo = carregar_gerar_figuras()
    gravados = modulo.gerar(tmp_path)
    assert {p.name for p in gravados} == set(modulo.exemplos())
    for caminho in gravados:
        cabecalho = caminho.read_bytes()[:8]
        assert cabecalho.startswith(b"GIF89a" if caminho.suffix == ".gif" else b"\x89PNG")
    # As figuras guardadas no repositório são as mesmas (mesmos nomes) que o script gera.
    assert {p.name for p in (RAIZ / "figures").glob("l[0-9]-*")} == set(modulo.exemplos())


def test_marca_do_site_e_gerada_pelo_repositorio(tmp_path):
    modulo = carregar_gerar_figuras()
    gravados = modulo.gerar_marca(tmp_path)
    for caminho in gravados:
        lado = modulo.MARCA[caminho.name]
        with Image.open(caminho) as imagem:
            assert imagem.size == (lado, lado) and imagem.mode == "RGBA"
        # O logotipo e o ícone do repositório são os que este código desenha.
        assert (RAIZ / "_static" / caminho.name).read_bytes() == caminho.read_bytes()


# ------------------------------------------------------------------ legibilidade no celular
# Cada figura é desenhada e gravada como nas lições; o tamanho de cada texto que o
# matplotlib de fato escreve é medido em pixels da imagem exibida na coluna de um
# celular (390 px de tela; a imagem encolhe para caber na coluna).
# A coluna era dada como 358 px, e a letra mínima, 8 px: assim os números da matriz de
# confusão (8,2 px de verdade) passavam. A coluna agora é a medida no livro montado
# (tests/test_leitores.py confere que uma figura da lição ocupa esta largura a 390 px).

COLUNA_CELULAR = 342  # px de CSS: largura de uma figura de saída na lição, numa tela de 390 px
MENOR_TEXTO = 9.0     # px de CSS: menor altura de letra (tamanho da fonte) aceitável
CONTRASTE_MINIMO = 4.5  # WCAG AA, texto pequeno


def textos_exibidos(fig, dpi=100, recorte=True):
    """(tamanho em px na coluna do celular, texto, cor) de cada texto que a figura escreve."""
    from matplotlib.backends.backend_agg import RendererAgg
    escritos = []
    original = RendererAgg.draw_text

    def anotar(self, gc, x, y, s, prop, *args, **kwargs):
        escritos.append((prop.get_size_in_points(), s, gc.get_rgb()))
        return original(self, gc, x, y, s, prop, *args, **kwargs)

    RendererAgg.draw_text = anotar
    try:
        saida = io.BytesIO()
        fig.savefig(saida, dpi=dpi, bbox_inches="tight" if recorte else None)
    finally:
        RendererAgg.draw_text = original
    largura = Image.open(saida).size[0]
    escala = min(1.0, COLUNA_CELULAR / largura)
    return [(pt * dpi / 72 * escala, s, cor) for pt, s, cor in escritos if s.strip()]


def figuras_do_curso():
    """Toda figura que o repositório desenha: nome -> (figura, dpi, recortada?)."""
    from cursoconv import lenet, utils
    modulo = carregar_gerar_figuras()
    desenhadas = {}
    for nome, desenhar in modulo.exemplos().items():
        if nome.endswith(".gif"):
            continue  # os quadros das animações entram abaixo, no dpi delas
        desenhadas[nome] = (desenhar(), modulo.DPI, True)
    for nome, kwargs in {"animacao-l1": {}, "animacao-l3": {"preenchimento": 1, "passo": (3, 2)}}.items():
        desenhadas[nome] = (figuras.desenhar_correlacao(X, K, **kwargs), 80, False)  # animar_correlacao(dpi=80)
    desenhadas["animacao-l2"] = (figuras.desenhar_correlacao(X2, K2), 80, False)
    A = torch.tensor([[1.0, 3.0, 2.0, 0.0], [4.0, 8.0, 5.0, 1.0], [0.0, 2.0, 9.0, 7.0], [6.0, 4.0, 3.0, 5.0]])
    desenhadas["animacao-l4"] = (figuras.desenhar_agrupamento(A, (2, 2), modo="max"), 80, False)
    torch.manual_seed(0)
    peca = torch.rand(28, 28)  # lição 1: uma peça de roupa e os dois mapas de bordas, sem valores
    desenhadas["l1-peca-e-bordas"] = (figuras.mostrar_matrizes(
        [peca, peca[:, :27], peca[:27]], ["pulôver", "bordas verticais", "bordas horizontais"],
        anotar=False, cmaps=["gray_r", "coolwarm", "coolwarm"]), 100, True)
    net = lenet.lenet5_variante()
    imagens, rotulos = torch.rand(16, 1, 32, 32), torch.arange(16) % 10
    desenhadas["l5-previsoes"] = (figuras.desenhar_previsoes(net, imagens, rotulos), 100, True)
    M = torch.randint(0, 1000, (10, 10))
    M[0, 0] = 1000  # uma classe toda certa: "1.000", o número mais largo
    desenhadas["l5-confusao"] = (figuras.desenhar_matriz_de_confusao(M), 100, True)
    desenhadas["l5-filtros"] = (figuras.desenhar_filtros(net.C1.weight, "filtro"), 100, True)
    desenhadas["l5-mapas"] = (figuras.desenhar_mapas(torch.rand(6, 28, 28), "mapa"), 100, True)
    historico = {k: [0.5, 0.4, 0.3] for k in ("perda_treino", "acuracia_treino", "perda_teste", "acuracia_teste")}
    desenhadas["l5-curvas"] = (utils.plotar_historico(historico)[0].figure, 100, True)
    desenhadas["l0-imagens"] = (utils.mostrar_imagens(torch.rand(16, 1, 28, 28), torch.arange(16) % 10,
                                                      colunas=4), 100, True)
    return desenhadas


def textos_cortados(fig, dpi=100, recorte=True):
    """Os textos que passam da borda da imagem gravada (e perdem letras, como o ")" de um rótulo)."""
    desenhados = []  # só os textos que o matplotlib de fato desenha (não os de um eixo escondido)
    original = matplotlib.text.Text.draw

    def anotar(self, renderer):
        if self.get_visible() and self.get_text().strip():
            desenhados.append(self)
        return original(self, renderer)

    fig.set_dpi(dpi)
    matplotlib.text.Text.draw = anotar
    try:
        fig.canvas.draw()
    finally:
        matplotlib.text.Text.draw = original
    renderizador = fig.canvas.get_renderer()
    # Gravada com bbox_inches="tight", a imagem cresce até caber tudo; sem isso, a borda é a da figura.
    borda = fig.get_tightbbox(renderizador).transformed(fig.dpi_scale_trans) if recorte else fig.bbox
    cortados = []
    for texto in desenhados:
        caixa = texto.get_window_extent(renderizador)
        if (caixa.x0 < borda.x0 - 0.5 or caixa.x1 > borda.x1 + 0.5
                or caixa.y0 < borda.y0 - 0.5 or caixa.y1 > borda.y1 + 0.5):
            cortados.append(f"{texto.get_text()!r}: {caixa.x0:.0f}..{caixa.x1:.0f} × {caixa.y0:.0f}..{caixa.y1:.0f} "
                            f"px, a imagem vai de {borda.x0:.0f}..{borda.x1:.0f} × {borda.y0:.0f}..{borda.y1:.0f}")
    return cortados


@pytest.fixture(scope="module")
def medidas():
    medidas = {}
    for nome, (fig, dpi, recorte) in figuras_do_curso().items():
        medidas[nome] = (fig, textos_exibidos(fig, dpi, recorte), textos_cortados(fig, dpi, recorte))
        plt.close(fig)
    return medidas


def test_nenhum_texto_cortado_na_borda_da_figura(medidas):
    # Os quadros das animações são gravados sem recorte (todos do mesmo tamanho): o que passa
    # da borda da figura some, como o ")" de "(soma dos canais)" na animação da lição 2.
    assert {nome: c for nome, (_, _, c) in medidas.items() if c} == {}


def test_a_medida_acusa_texto_cortado_na_borda():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, "no meio", ha="center")
    ax.text(1.0, 0.2, "(soma dos canais)", ha="center", transform=fig.transFigure)
    ax.axis("off")
    assert [c.split(":")[0] for c in textos_cortados(fig, 80, recorte=False)] == ["'(soma dos canais)'"]
    assert textos_cortados(fig, 80, recorte=True) == []  # com bbox_inches="tight", a imagem cresce


def test_toda_figura_tem_texto_legivel_no_celular(medidas):
    pequenos = {nome: sorted({(round(px, 1), s) for px, s, _ in textos if px < MENOR_TEXTO})[:3]
                for nome, (_, textos, _) in medidas.items()}
    assert {nome: p for nome, p in pequenos.items() if p} == {}
    assert all(textos for _, textos, _ in medidas.values())


def _fundo(ax, texto):
    """A cor sob o ponto de ancoragem do texto: o retângulo de cima, a imagem ou o fundo."""
    x, y = ax.transData.transform(texto.get_position())
    for patch in reversed(ax.patches):
        if patch.contains_point((x, y)):
            return patch.get_facecolor()
    for imagem in ax.images:
        dentro, _ = imagem.contains(type("Evento", (), {"x": x, "y": y, "canvas": ax.figure.canvas})())
        if dentro:
            j, i = (int(round(v)) for v in texto.get_position())
            return imagem.cmap(imagem.norm(imagem.get_array()[i, j]))
    return ax.get_facecolor()


def test_texto_nunca_some_no_fundo(medidas):
    fracos = []
    for nome, (fig, _, _) in medidas.items():
        fig.canvas.draw()
        for ax in fig.axes:
            for texto in ax.texts:
                if not texto.get_text().strip():
                    continue
                fundo = _fundo(ax, texto)
                razao = figuras.contraste(texto.get_color(), fundo[:3] if len(fundo) > 3 else fundo)
                if razao < CONTRASTE_MINIMO:
                    fracos.append(f"{nome}: {texto.get_text()!r} com contraste {razao:.1f}")
    assert fracos == []


def test_as_medidas_acusam_figura_ilegivel():
    # Uma figura larga com letra pequena, e um texto branco num verde claro, são acusados.
    fig, ax = plt.subplots(figsize=(12, 2))
    ax.add_patch(matplotlib.patches.Rectangle((0, 0), 1, 1, facecolor="#b7e4b0"))
    ax.text(0.5, 0.5, "S2", color="white", fontsize=8)
    ax.set_xlim(0, 1)
    textos = textos_exibidos(fig)
    assert min(px for px, *_ in textos) < MENOR_TEXTO
    assert figuras.contraste("white", _fundo(ax, ax.texts[0])[:3]) < CONTRASTE_MINIMO
    assert figuras.cor_do_texto("#b7e4b0") == "black" and figuras.cor_do_texto("#4c72b0") == "white"


def test_rotulos_da_lenet_dizem_parametros():
    from cursoconv import lenet
    fig = figuras.desenhar_arquitetura(lenet.lenet5_variante())
    escritos = " ".join(textos(fig))
    assert "156 parâm." in escritos and " par." not in escritos


def test_matrizes_largas_continuam_na_linha_de_baixo():
    def linhas(fig):
        return {ax.get_subplotspec().get_topmost_subplotspec().rowspan.start for ax in fig.axes}
    largas = [torch.zeros(8, 8)] * 3
    assert len(linhas(figuras.mostrar_matrizes(largas, ["a", "b", "c"]))) == 2  # não cabem numa linha
    assert len(linhas(figuras.mostrar_matrizes([torch.zeros(6, 8), torch.zeros(1, 2)], ["x", "k"]))) == 1


@pytest.mark.parametrize("posicao", [(2, 0), (0, 5), (-1, 0)])
def test_posicao_fora_da_saida_explica_em_portugues(posicao):
    # Antes (segunda passada de fuzzing): trocar range(2) por range(3) no laço da lição 1 dava IndexError
    # em inglês, e uma posição negativa escrevia, calada, uma conta pela metade (janela vazia).
    for desenhar in (figuras.expressao, figuras.desenhar_correlacao):
        with pytest.raises(ValueError, match="fora da saída, que tem 2×2"):
            desenhar(X, K, posicao=posicao)
    # o mesmo no agrupamento (lição 4): antes, (-1, 0) escrevia "máx() = 13", uma janela vazia
    for desenhar in (figuras.conta_agrupamento, figuras.desenhar_agrupamento):
        with pytest.raises(ValueError, match="fora da saída, que tem 2×2"):
            desenhar(torch.arange(16.0).reshape(4, 4), (2, 2), posicao=posicao)


def test_lista_numpy_inteiros_e_gradiente_desenham_a_mesma_conta():
    # Antes (terceira passada de fuzzing): uma lista ou um array do NumPy davam AttributeError em inglês
    # ('list' object has no attribute 'dim'), e um X com requires_grad, um aviso do PyTorch em inglês.
    import warnings
    Xg = X.clone().requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for Xe, Ke in ((X.tolist(), K.tolist()), (X.numpy(), K.numpy()), (X.long(), K.long()), (Xg, K)):
            assert figuras.desenhar_correlacao(Xe, Ke).conta == "0×0 + 1×1 + 3×2 + 4×3 = 19"
            assert figuras.expressao(Xe, Ke, posicao=(1, 1)) == "4×0 + 5×1 + 7×2 + 8×3 = 43"
    assert Xg.requires_grad and Xg.grad is None  # o tensor do estudante fica como estava


@pytest.mark.parametrize("ruim", [float("nan"), float("inf")])
def test_nan_ou_infinito_explica_em_portugues(ruim):
    # Antes: "cannot convert float NaN to integer", do fundo do matplotlib
    Xr = X.clone()
    Xr[0, 0] = ruim
    for desenhar in (figuras.expressao, figuras.desenhar_correlacao):
        with pytest.raises(ValueError, match="X tem NaN ou infinito"):
            desenhar(Xr, K)
        with pytest.raises(ValueError, match="K tem NaN ou infinito"):
            desenhar(X, torch.full((2, 2), ruim))


def test_passo_inteiro_preenchimento_e_posicao_errados_explicam_em_portugues():
    # Antes: passo=2 dava "'int' object is not iterable"; preenchimento=(1, 1) ou 1.0, um TypeError do torch;
    # preenchimento=-1 culpava o núcleo; posicao=1, "cannot unpack non-iterable int object"
    assert figuras.expressao(X, K, passo=2) == figuras.expressao(X, K, passo=(2, 2))
    assert figuras.desenhar_correlacao(X2, K2, passo=2).conta == figuras.expressao(X2, K2, passo=(2, 2))
    for ruim in ((1, 1), 1.0, -1):
        with pytest.raises(ValueError, match="preenchimento deve ser um inteiro ≥ 0"):
            figuras.desenhar_correlacao(X, K, preenchimento=ruim)
    with pytest.raises(ValueError, match="passo deve ser um inteiro ou um par"):
        figuras.expressao(X, K, passo=1.5)
    for desenhar in (figuras.expressao, figuras.desenhar_correlacao):
        with pytest.raises(ValueError, match=r"posicao deve ser um par \(linha, coluna\)"):
            desenhar(X, K, posicao=1)


def test_entrada_grande_demais_e_recusada_sem_travar():
    # Antes: uma figura de 200×200 levava quase um minuto; a animação, horas (uma figura por valor da saída)
    import time
    inicio = time.perf_counter()
    for desenhar in (figuras.desenhar_correlacao, figuras.animar_correlacao):
        with pytest.raises(ValueError, match="aceita até 12×12"):
            desenhar(torch.rand(200, 200), K)
    with pytest.raises(ValueError, match="aceita até 12×12"):
        figuras.desenhar_correlacao(torch.rand(10, 10), K, preenchimento=2)
    with pytest.raises(ValueError, match="teria 100 quadros"):
        figuras.animar_correlacao(torch.rand(12, 12), torch.ones(3, 3))
    assert time.perf_counter() - inicio < 5


@pytest.mark.parametrize("kwargs, trecho", [
    ({"ms_por_quadro": -5}, "ms_por_quadro deve ser"), ({"ms_por_quadro": 0}, "ms_por_quadro deve ser"),
    ({"dpi": 0}, "dpi deve ser"), ({"dpi": 5000}, "dpi deve ser")])
def test_animacao_com_tempo_ou_dpi_invalidos_explica_em_portugues(kwargs, trecho):
    # Antes: ms_por_quadro=-5 dava "can't convert negative int to unsigned", 0 fazia um GIF de 100 ms por quadro
    # (calado), dpi=0 dava "dpi must be positive" e dpi=5000, quadros de 200 megapixels
    for animar in (lambda: figuras.animar_correlacao(X, K, **kwargs),
                   lambda: figuras.animar_agrupamento(X, (2, 2), **kwargs)):
        with pytest.raises(ValueError, match=trecho):
            animar()


@pytest.mark.parametrize("chamada, trecho", [
    (lambda: figuras.mostrar_matrizes([X, K], ["entrada"]), "2 matrizes, 1 títulos e 2 mapas"),
    (lambda: figuras.mostrar_matrizes([X, K], ["a", "b"], cmaps=["gray_r"]), "2 matrizes, 2 títulos e 1 mapas"),
    (lambda: figuras.mostrar_matrizes([X], ["a"], cmaps=["azul"]), "'azul' não é um mapa de cores"),
    (lambda: figuras.mostrar_matrizes(X, ["a"]), "lista de matrizes 2-D"),
    (lambda: figuras.mostrar_matrizes([X2], ["a"]), "lista de matrizes 2-D"),
    (lambda: figuras.mostrar_matrizes([], []), "lista de matrizes 2-D"),
    (lambda: figuras.mostrar_matrizes([X / 0], ["a"]), r"matrizes\[0\] tem NaN ou infinito"),
    (lambda: figuras.mostrar_matrizes([torch.rand(200, 200)], ["a"]), "use anotar=False"),
])
def test_mostrar_matrizes_explica_o_erro_em_portugues(chamada, trecho):
    # Antes (terceira passada de fuzzing): título ou mapa a menos deixava, calado, um quadro vazio; um mapa
    # desconhecido, uma matriz 1-D ou 3-D, uma lista vazia ou NaN davam erros em inglês; 200×200 anotada, 16 s
    with pytest.raises(ValueError, match=trecho):
        chamada()


@pytest.mark.parametrize("camadas", [-1, 2.5, 10000])
def test_encolhimento_com_camadas_fora_da_faixa_explica_em_portugues(camadas):
    # Antes: -1 dava "x and y must have same first dimension", do matplotlib; 2.5, "'float' object cannot be
    # interpreted as an integer"; 10000 levava 15 s para um eixo ilegível
    with pytest.raises(ValueError, match="camadas deve ser um inteiro de 0 a 50"):
        figuras.grafico_encolhimento(32, 1, camadas)


def test_mostrar_matrizes_aceita_um_nome_so():
    fig = figuras.mostrar_matrizes([X.tolist(), K.numpy()], ["entrada", "núcleo"], cmaps="gray_r")
    assert [ax.images[0].get_cmap().name for ax in fig.axes] == ["gray_r", "gray_r"]
    assert figuras.mostrar_matrizes([X], "entrada").axes[0].get_title() == "entrada"
