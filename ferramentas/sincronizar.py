"""Mantém iguais, em todas as lições, a célula de preparação, o selo do Colab e a linha do tempo.

Ambos derivam do endereço, da etiqueta e do ramo do repositório em ``_config.yml``
(veja ``ferramentas/repositorio.py``). Rode depois de mudar esse endereço (num
fork, por exemplo), de publicar uma etiqueta nova ou de criar uma lição:

    python -m ferramentas.sincronizar             # reescreve o que mudou
    python -m ferramentas.sincronizar --verificar # só confere (usado nos testes)

Cada lição em ``lessons/`` começa por uma célula de texto com o título (``# ...``);
o selo vai logo abaixo do título e abre a edição Colab da lição
(``edicoes/colab/``, gerada por ``python -m ferramentas.edicoes``); abaixo dele, o
tempo medido para rodar a lição inteira na CPU e na GPU (de ``ferramentas/tempos.yml``);
as duas linhas vêm de ``ferramentas/cabecalho.py``. A célula de preparação é a primeira de código.

Também refaz os trechos gerados de ``instrutores.md`` e ``intro.md`` (``ferramentas/paginas.py``).
"""
import re
import sys

import nbformat
from ferramentas import repositorio
from ferramentas.cabecalho import MARCA_SELO, MARCA_TEMPO, caminho_edicao, linha_selo, linha_tempo
from ferramentas.paginas import sincronizar_pagina, trecho_instrutores, trecho_intro

# A célula de preparação. Ela não pode usar o cursoconv para se instalar (no Colab
# ele ainda não existe): o pip roda aqui, com o progresso à vista, e a causa de uma
# falha (versão ou endereço errados, sem internet) é dita em português.
CELULA_PREPARACAO = """\
# @title Preparação: instala o módulo do curso (clique duas vezes para ver) {{ display-mode: "form" }}
# Igual em todas as lições: no Colab, instala o módulo do curso na versão abaixo;
# onde ele já está instalado (no seu computador), não faz nada.
REPOSITORIO = "{url}"
VERSAO = "{versao}"  # {o_que_e}

import importlib.util, os, subprocess, sys
if importlib.util.find_spec("cursoconv") is None:
    fonte = os.environ.get("CURSOCONV_FONTE") or f"git+{{REPOSITORIO}}@{{VERSAO}}"
    print(f"Instalando o módulo do curso a partir de {{fonte}} ...", flush=True)
    pip = subprocess.Popen([sys.executable, "-m", "pip", "install", "--progress-bar", "off", fonte],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    saida = "".join(print(linha, end="") or linha for linha in pip.stdout)
    if pip.wait() != 0:
        motivo = (f"a versão {{VERSAO}} não existe em {{REPOSITORIO}}; confira VERSAO" if "Did not find branch or tag" in saida
                  else "sem acesso à internet; no Colab, reconecte e rode de novo" if "resolve host" in saida
                  else f"{{REPOSITORIO}} não é um repositório público; confira REPOSITORIO" if "git clone" in saida
                  else "veja a mensagem do pip acima")
        raise RuntimeError(f"Não foi possível instalar o módulo do curso: {{motivo}}.")
    importlib.invalidate_caches()

from cursoconv import utils

utils.fixar_semente(0)
{relato}"""
RELATO_COM_GPU = "print(utils.relatar_ambiente())  # sem GPU, diz como ligar uma no Colab"
RELATO_SEM_GPU = 'print("Dispositivo:", utils.descrever_dispositivo())  # esta lição roda bem na CPU'


def treina(nb):
    """A lição treina uma rede (e por isso vale a pena ligar a GPU)?"""
    return any(c.cell_type == "code" and re.search(r"\btrain_validate\(|\btreinar\(", c.source)
               for c in nb.cells)


def celula_preparacao(nb):
    etiqueta = repositorio.etiqueta()
    o_que_e = ("etiqueta da versão publicada (em _config.yml)" if etiqueta
               else "ramo do repositório: defina repository.etiqueta no _config.yml para fixar uma versão")
    return CELULA_PREPARACAO.format(url=repositorio.endereco(), versao=repositorio.versao(), o_que_e=o_que_e,
                                    relato=RELATO_COM_GPU if treina(nb) else RELATO_SEM_GPU)


def sincronizar(nb, arquivo):
    """Ajusta o notebook ``nb`` (a lição ``arquivo``) em memória; devolve True se algo mudou."""
    mudou = False
    titulo = nb.cells[0]
    if titulo.cell_type != "markdown" or not titulo.source.lstrip().startswith("# "):
        raise SystemExit(f"{arquivo.name}: a primeira célula deve ser de texto e começar pelo título '# ...'.")
    linhas = [l for l in titulo.source.split("\n") if MARCA_SELO not in l and MARCA_TEMPO not in l]
    linhas.insert(1, linha_selo(repositorio.url_colab(caminho_edicao(arquivo))))
    tempos = repositorio.tempos()
    linhas.insert(2, linha_tempo(tempos.get(arquivo.stem, {})))
    novo = "\n".join(linhas)
    if novo != titulo.source:
        titulo.source, mudou = novo, True
    celula = next(c for c in nb.cells if c.cell_type == "code")
    esperado = celula_preparacao(nb)
    if celula.source != esperado:
        celula.source, mudou = esperado, True
    tags = celula.metadata.setdefault("tags", [])
    if "nbval-ignore-output" not in tags:
        tags.append("nbval-ignore-output")
        mudou = True
    motivo = "a saída depende da máquina (GPU ou CPU, versão do PyTorch)"
    if celula.metadata.get("motivo_nbval") != motivo:
        celula.metadata["motivo_nbval"] = motivo
        mudou = True
    return mudou


def main(verificar=False):
    fora = []
    for arquivo in repositorio.licoes():
        nb = nbformat.read(arquivo, as_version=4)
        if sincronizar(nb, arquivo):
            fora.append(repositorio.relativo(arquivo))
            if not verificar:
                nbformat.write(nb, arquivo)
    for pagina, trecho in ((repositorio.INSTRUTORES, trecho_instrutores), (repositorio.INTRO, trecho_intro)):
        if sincronizar_pagina(pagina, trecho(), verificar):
            fora.append(pagina.name)
    if fora:
        acao = "fora de sincronia" if verificar else "atualizados"
        print(f"Arquivos {acao}: " + ", ".join(fora))
    return 1 if (verificar and fora) else 0


if __name__ == "__main__":
    sys.exit(main(verificar="--verificar" in sys.argv))
