"""O cabeçalho que ``ferramentas.sincronizar`` põe em cada lição, logo abaixo do título: o selo
"Abrir no Colab" e a linha do tempo medido para rodar a lição inteira (de ``ferramentas/tempos.yml``).

As edições (``ferramentas.edicoes``) trocam o selo pelo da edição; as páginas geradas
(``ferramentas.paginas``) pulam as duas linhas ao ler a apresentação de cada lição.
"""
import base64
from pathlib import Path

from ferramentas import repositorio

# O selo é uma linha de HTML: o Markdown recusa links "data:" de imagens SVG, e o
# HTML funciona igual no site, no Jupyter e no Colab. A linha começa pela marca.
MARCA_SELO = '<p class="selo-colab">'
# Logo abaixo do selo, o tempo medido para rodar a lição inteira (de tempos.yml), também em HTML:
# uma linha de Markdown colada ao selo viraria parte do bloco HTML e sairia crua.
MARCA_TEMPO = '<p class="tempo-de-execucao">'
#: O selo "Abrir no Colab", desenhado aqui mesmo (nada é buscado fora).
SELO_SVG = Path(__file__).with_name("selo-colab.svg")


def selo_svg():
    """O selo de ``selo-colab.svg`` como endereço ``data:`` (base64)."""
    svg = SELO_SVG.read_text(encoding="utf-8").rstrip("\n")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def linha_selo(url):
    """A linha do selo "Abrir no Colab" que abre ``url``."""
    return f'{MARCA_SELO}<a href="{url}"><img src="{selo_svg()}" alt="Abrir no Colab"></a></p>'


def linha_tempo(medidas):
    """A linha com o tempo medido para rodar a lição inteira na CPU e na GPU (``medidas``: a entrada
    da lição em ``tempos.yml``)."""
    partes = []
    for tipo, nome in (("cpu", "numa CPU"), ("gpu", "numa GPU")):
        medida = medidas.get(tipo)
        if medida:
            # "NVIDIA H200 (CPU ..., 16 núcleos)": na linha da GPU, só a placa.
            maquina = medida["maquina"].split(" (CPU ")[0]
            partes.append(f"{duracao(medida['segundos'])} {nome} ({maquina})")
    texto = "; ".join(partes) if partes else "ainda não medido"
    return (f"{MARCA_TEMPO}<strong>Tempo para rodar a lição inteira</strong>, com os dados completos: "
            f"{texto}.</p>")


def caminho_edicao(arquivo, edicao="colab"):
    """O caminho, relativo à raiz, da edição ``colab`` ou ``aluno`` da lição ``arquivo``."""
    pasta = repositorio.EDICAO_COLAB if edicao == "colab" else repositorio.EDICAO_ALUNO
    return repositorio.relativo(pasta / arquivo.name)


def duracao(segundos):
    segundos = round(segundos)
    if segundos < 60:
        return f"{segundos} s"
    return f"{segundos // 60} min {segundos % 60:02d} s"
