"""Testes de cursoconv.figuras e de ferramentas/gerar_figuras.py: as figuras mostram valores calculados."""
import importlib.util
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

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


def test_gerar_figuras_grava_todos_os_arquivos(tmp_path):
    spec = importlib.util.spec_from_file_location("gerar_figuras", RAIZ / "ferramentas" / "gerar_figuras.py")
    modulo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(modulo)
    gravados = modulo.gerar(tmp_path)
    assert {p.name for p in gravados} == set(modulo.exemplos())
    for caminho in gravados:
        cabecalho = caminho.read_bytes()[:8]
        assert cabecalho.startswith(b"GIF89a" if caminho.suffix == ".gif" else b"\x89PNG")
    # As figuras guardadas no repositório são as mesmas (mesmos nomes) que o script gera.
    assert {p.name for p in (RAIZ / "figures").glob("l[0-9]-*")} == set(modulo.exemplos())
