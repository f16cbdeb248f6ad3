"""Gera a apostila: um PDF do curso inteiro, para imprimir ou ler sem rede.

Parte da montagem do livro numa página só (``jupyter-book build . --builder
singlehtml``), que o Chromium abre, com as fórmulas compostas pelo MathJax do
próprio livro, e imprime em PDF. Uso (o ``make apostila`` faz os dois passos):

    jupyter-book build . --builder singlehtml
    python ferramentas/apostila.py [_build/singlehtml] [_build/apostila.pdf]
"""
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import navegador  # noqa: E402

RAIZ = Path(__file__).resolve().parents[1]


def pagina_inicial(pasta):
    """A página do livro inteiro: o Jupyter Book põe em index.html só um redirecionamento."""
    indice = (Path(pasta) / "index.html").read_text(encoding="utf-8")
    destino = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', indice)
    return destino.group(1) if destino else "index.html"


def gerar_apostila(pasta_singlehtml, saida, chromium=None):
    """Imprime a página única de ``pasta_singlehtml`` em ``saida`` (PDF, A4).

    Falha se a página pediu algo fora da máquina, teve erros ou ficou com
    alguma fórmula sem compor. ``chromium``: um navegador já aberto (os testes
    passam o deles); sem ele, abre um.
    """
    pasta, saida = Path(pasta_singlehtml), Path(saida)
    if not (pasta / "index.html").is_file():
        raise SystemExit(f"{pasta}/index.html não existe: monte antes o livro numa página só "
                         "(jupyter-book build . --builder singlehtml).")
    if chromium is None:
        with sync_playwright() as p:
            chromium = navegador.abrir_chromium(p)
            try:
                return gerar_apostila(pasta, saida, chromium)
            finally:
                chromium.close()
    saida.parent.mkdir(parents=True, exist_ok=True)
    with navegador.servir(pasta) as endereco:
        contexto = chromium.new_context()
        try:
            pagina = contexto.new_page()
            registro = navegador.Registro(pagina)
            pagina.goto(endereco + pagina_inicial(pasta), wait_until="load", timeout=navegador.ESPERA_MS)
            falha_mathjax = navegador.esperar_mathjax(pagina)
            fatos = navegador.inspecionar(pagina)
            problemas = registro.problemas() + ([falha_mathjax] if falha_mathjax else [])
            if fatos["compostas"] != fatos["formulas"] or fatos["erros_tex"]:
                problemas.append(f"fórmulas compostas: {fatos['compostas']} de {fatos['formulas']}, "
                                 f"com {fatos['erros_tex']} erros de TeX")
            if problemas:
                raise RuntimeError("A apostila não pode ser gerada:\n- " + "\n- ".join(problemas))
            pagina.emulate_media(media="print")
            pagina.pdf(path=str(saida), format="A4", print_background=True,
                       margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
        finally:
            contexto.close()
    return saida

if __name__ == "__main__":
    args = sys.argv[1:]
    pasta = Path(args[0]) if args else RAIZ / "_build" / "singlehtml"
    saida = Path(args[1]) if len(args) > 1 else RAIZ / "_build" / "apostila.pdf"
    print(f"Apostila gravada em {gerar_apostila(pasta, saida)}")
