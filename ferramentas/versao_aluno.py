"""Gera as versões das lições para entregar aos alunos: sem as soluções e sem saídas.

    python ferramentas/versao_aluno.py                  # todas as lições, em estudantes/
    python ferramentas/versao_aluno.py --destino PASTA [lessons/NN-nome.ipynb ...]

A versão do aluno é a lição com as mesmas células, menos:

- os blocos ``{solution}`` do sphinx-exercise nas células de texto, escritos com
  dois-pontos (``:::{solution} rótulo`` ... ``:::``) ou com crases;
- as soluções "com portão" do sphinx-exercise: tudo o que fica entre
  ``{solution-start}`` e ``{solution-end}``, inclusive células de código;
- o código das células de código com a etiqueta ``solucao``: cada uma vira uma
  célula com só um comentário, onde o aluno escreve a sua resposta;
- as saídas e os números de execução de todas as células;
- o selo do Colab, que abriria a lição completa, com as soluções; no lugar dele,
  abaixo do título, vai o aviso ``AVISO``.

A pasta ``estudantes/`` fica fora do git (``.gitignore``); ``make alunos`` a refaz.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

from sincronizar import MARCA_SELO  # a linha do selo do Colab começa por ela

RAIZ = Path(__file__).resolve().parents[1]
ETIQUETA_SOLUCAO = "solucao"
LUGAR_DA_RESPOSTA = "# Escreva aqui a sua solução do exercício."
AVISO = ("*Versão para o aluno: sem as soluções dos exercícios e sem as saídas. "
         "Rode as células na ordem, a começar pela de preparação.*")
ABERTURA = re.compile(r"^[ \t]*(?P<cerca>:{3,}|`{3,})\{(?P<nome>solution(?:-start|-end)?)\}")


def _fecha(linha, cerca):
    """A linha fecha a cerca aberta com ``cerca`` (mesmo caractere, ao menos tantos)?"""
    return re.fullmatch(rf"[ \t]*{re.escape(cerca[0])}{{{len(cerca)},}}[ \t]*", linha) is not None


def limpar_texto(texto, dentro_do_portao=False):
    """Tira de um texto em Markdown os blocos de solução.

    Devolve ``(texto_limpo, dentro_do_portao)``: o segundo valor diz se o texto
    termina dentro de uma solução com portão ainda aberta (``{solution-start}``
    sem o ``{solution-end}``), que continua nas células seguintes.
    """
    saida = []
    linhas = iter(texto.split("\n"))
    for linha in linhas:
        abertura = ABERTURA.match(linha)
        if abertura:
            cerca, nome = abertura["cerca"], abertura["nome"]
            for resto in linhas:  # pula a diretiva até a cerca que a fecha
                if _fecha(resto, cerca):
                    break
            if nome == "solution-start":
                dentro_do_portao = True
            elif nome == "solution-end":
                dentro_do_portao = False
            continue
        if not dentro_do_portao:
            saida.append(linha)
    limpo = re.sub(r"\n{3,}", "\n\n", "\n".join(saida)).strip("\n")
    return limpo, dentro_do_portao


def versao_do_aluno(nb):
    """Devolve uma cópia do notebook ``nb`` pronta para o aluno."""
    nb = nbformat.from_dict(nb)
    celulas = []
    dentro_do_portao = False
    for celula in nb.cells:
        celula.metadata.pop("execution", None)
        if celula.cell_type == "code":
            celula.outputs, celula.execution_count = [], None
            if dentro_do_portao:
                continue
            if ETIQUETA_SOLUCAO in celula.metadata.get("tags", []):
                celula.source = LUGAR_DA_RESPOSTA
                celula.metadata["tags"] = [t for t in celula.metadata["tags"] if t != ETIQUETA_SOLUCAO]
                if not celula.metadata["tags"]:
                    del celula.metadata["tags"]
        elif celula.cell_type in ("markdown", "raw"):
            texto = "\n".join(l for l in celula.source.split("\n") if not l.startswith(MARCA_SELO))
            texto, dentro_do_portao = limpar_texto(texto, dentro_do_portao)
            if not texto.strip():
                continue
            celula.source = texto
        celulas.append(celula)
    if dentro_do_portao:
        raise ValueError("um {solution-start} ficou sem o {solution-end} correspondente")
    if celulas and celulas[0].cell_type == "markdown" and celulas[0].source.startswith("# "):
        titulo, _, resto = celulas[0].source.partition("\n")
        celulas[0].source = f"{titulo}\n{AVISO}\n{resto}".rstrip("\n")
    nb.cells = celulas
    nb.metadata.pop("widgets", None)
    return nb


def gerar(licoes, destino):
    destino = Path(destino)
    destino.mkdir(parents=True, exist_ok=True)
    feitas = []
    for licao in licoes:
        licao = Path(licao)
        nb = nbformat.read(licao, as_version=4)
        try:
            aluno = versao_do_aluno(nb)
        except ValueError as erro:
            raise SystemExit(f"{licao}: {erro}")
        nbformat.validate(aluno)
        nbformat.write(aluno, destino / licao.name)
        feitas.append(destino / licao.name)
    return feitas


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("licoes", nargs="*", type=Path,
                        help="lições a converter (padrão: todas as de lessons/)")
    parser.add_argument("--destino", type=Path, default=RAIZ / "estudantes",
                        help="pasta onde gravar as versões do aluno (padrão: estudantes/)")
    args = parser.parse_args(argv)
    licoes = args.licoes
    if not licoes:  # todas: tira antes as versões de lições que já não existem
        licoes = sorted((RAIZ / "lessons").glob("*.ipynb"))
        for velha in args.destino.glob("*.ipynb"):
            velha.unlink()
    for feita in gerar(licoes, args.destino):
        print(feita)
    return 0


if __name__ == "__main__":
    sys.exit(main())
