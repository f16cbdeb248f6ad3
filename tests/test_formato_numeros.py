"""Um só jeito de escrever números em todo o curso: vírgula decimal e ponto nos milhares.

Vale para o texto de todas as lições (fora de código e de fórmulas), para tudo o que
as células imprimem (fora dos tensores, que o PyTorch escreve como código Python) e
para os números dos eixos das figuras do módulo. É o formato de ``cursoconv.formato``.
"""
import re

import pytest

from ferramentas import repositorio

# Contextos em que um ponto entre algarismos não é decimal: seções de livros, versões de programas.
NAO_DECIMAL = re.compile(r"((seç(ão|ões)|capítulos?)\s+[\d., e]*|(versão|versões|Python|PyTorch|NumPy|torch|CUDA|cu|v)\s*)$",
                         re.IGNORECASE)
DECIMAL_COM_PONTO = re.compile(r"(?<![\w.,])(\d+)\.(\d+)(?![\w.])")
MILHAR_COM_ESPACO = re.compile(r"(?<![\w.,])\d{1,3}(?:[  ]\d{3})+(?![\w,])")
SEM_SEPARADOR = re.compile(r"(?<![\w.,])\d{4,}(?!\w|\.\d)")


def problemas_no_texto(texto):
    """Números mal escritos num texto já sem código nem fórmulas."""
    problemas = []
    for m in DECIMAL_COM_PONTO.finditer(texto):
        inteiro, fracao = m.groups()
        milhar = re.fullmatch(r"\d{1,3}(\.\d{3})+", m.group(0))
        if milhar or NAO_DECIMAL.search(texto[max(0, m.start() - 25):m.start()]):
            continue
        problemas.append(f"{m.group(0)!r}: use vírgula decimal ({inteiro},{fracao})")
    for m in MILHAR_COM_ESPACO.finditer(texto):
        problemas.append(f"{m.group(0)!r}: use ponto nos milhares ({m.group(0).replace(' ', '.').replace(' ', '.')})")
    for m in SEM_SEPARADOR.finditer(texto):
        numero = m.group(0)
        ano = len(numero) == 4 and 1900 <= int(numero) <= 2099
        if not ano and not NAO_DECIMAL.search(texto[max(0, m.start() - 12):m.start()]):
            problemas.append(f"{numero!r}: use ponto nos milhares ({int(numero):,})".replace(",", "."))
    return problemas


def sem_codigo(markdown):
    """O texto de uma célula sem blocos de código, código em linha, fórmulas, papéis do MyST, links e HTML."""
    texto = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    texto = re.sub(r"\$\$.*?\$\$", " ", texto, flags=re.S)
    texto = re.sub(r"\$[^$\n]+\$", " ", texto)
    texto = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", texto)
    texto = re.sub(r"`[^`\n]*`", " ", texto)
    texto = re.sub(r"\]\([^)]*\)", "]", texto)
    texto = re.sub(r"<[^>]+>", " ", texto)
    return re.sub(r"^:(label|class|name):.*$", " ", texto, flags=re.M)


def sem_tensores(saida):
    """A saída impressa sem os tensores e arrays (escritos como código: ponto decimal), sem as formas
    (tuplas do Python, como ``(48000,)``) e sem versões."""
    texto = re.sub(r"(tensor|array)\((?:[^()]|\([^()]*\))*\)", " ", saida, flags=re.S)
    texto = re.sub(r"\(\d+(?:, \d+)*,?\)", " ", texto)  # formas: (48000,), (16, 10, 10)
    texto = re.sub(r"\[[^\[\]]*\]", " ", re.sub(r"\[[^\[\]]*\]", " ", texto))  # listas e arrays do Python
    return re.sub(r"\b\d+\.\d+\.\d+(\+\w+)?", " ", texto)  # versões: 2.11.0+cu130


def celulas(nb):
    for celula in nb.cells:
        if celula.cell_type == "markdown":
            yield "texto", celula.source, sem_codigo(celula.source)
        elif celula.cell_type == "code":
            for saida in celula.get("outputs", []):
                texto = saida.get("text") or saida.get("data", {}).get("text/plain", "")
                if saida.get("output_type") in ("stream", "execute_result", "display_data") and texto:
                    if saida.get("name") == "stderr":
                        continue
                    yield "saída", celula.source, sem_tensores(texto)


@pytest.mark.parametrize("caminho", repositorio.licoes(), ids=lambda c: c.stem)
def test_numeros_do_texto_e_das_saidas(caminho):
    nb = repositorio.ler_licao(caminho)
    problemas = []
    for tipo, fonte, texto in celulas(nb):
        for problema in problemas_no_texto(texto):
            problemas.append(f"{tipo} ({fonte.strip().splitlines()[0][:60]!r}): {problema}")
    assert not problemas, "\n".join(problemas)


@pytest.mark.parametrize("texto, esperado", [
    ("a perda caiu para 0.35 na época 2", 1), ("60 000 imagens de treino", 1), ("48000 entradas", 1),
    ("1234,5 na figura", 1),
    ("0,35 e 60.000 imagens, 1.234,5 e 0,8904, seção 7.5, seções 7.1 e 7.2, PyTorch 2.11, em 1998", 0), ("4.083.626 parâmetros e 0,890", 0),
])
def test_o_verificador_de_numeros_pega_o_que_deve(texto, esperado):
    assert len(problemas_no_texto(texto)) == esperado, problemas_no_texto(texto)


def test_tensores_e_versoes_nao_contam():
    saida = ("PyTorch 2.11.0+cu130\ntensor([[0.5000, 1.2500],\n        [2.0000, 3.0000]])\nperda 0,35\n"
             "[1000, 1000]\ncorr2d:  [ 421.  842. 1684.]")
    assert not problemas_no_texto(sem_tensores(saida))


# ---------------------------------------------------------------------------------------------
# Os números dos eixos das figuras do módulo
# ---------------------------------------------------------------------------------------------
def rotulos_dos_eixos(fig):
    fig.canvas.draw()
    rotulos = []
    for ax in fig.axes:
        rotulos += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        rotulos += [t.get_text() for t in ax.texts]
    return [r for r in rotulos if r]


def figuras_do_curso():
    import matplotlib
    matplotlib.use("Agg")
    import torch

    from cursoconv import figuras
    historico = {"perda_treino": [0.9, 0.5, 0.41], "acuracia_treino": [0.7, 0.82, 0.86],
                 "perda_validacao": [0.6, 0.48, 0.45], "acuracia_validacao": [0.78, 0.83, 0.845]}
    yield "curvas da LeNet-5", figuras.desenhar_curvas(historico, "LeNet-5 moderna", marcar=2)
    yield "encolhimento", figuras.grafico_encolhimento(32, 5, 6, p=2)
    yield "matrizes", figuras.mostrar_matrizes([torch.tensor([[0.25, -1.5], [2.0, 1234.5]])], ["X"])
    M = torch.tensor([[1200, 3], [40, 999]])
    yield "confusão", figuras.desenhar_matriz_de_confusao(torch.nn.functional.pad(M, (0, 8, 0, 8)))


def test_numeros_dos_eixos_das_figuras():
    import matplotlib.pyplot as plt
    problemas = []
    for nome, fig in figuras_do_curso():
        texto = "\n".join(r.replace("\u2212", "-") for r in rotulos_dos_eixos(fig))
        problemas += [f"{nome}: {p}" for p in problemas_no_texto(texto)]
        plt.close(fig)
    assert not problemas, "\n".join(problemas)


def test_eixo_com_ponto_decimal_seria_pego():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0.1, 0.35])
    texto = "\n".join(rotulos_dos_eixos(fig))
    plt.close(fig)
    assert problemas_no_texto(texto), "o Matplotlib escreve 0.1 no eixo, e o teste deve pegar isso"
