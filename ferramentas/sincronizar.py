"""Mantém iguais, em todas as lições, a célula de preparação e o selo do Colab.

Ambos derivam do endereço e do ramo do repositório em ``_config.yml``. Rode
depois de mudar esse endereço (num fork, por exemplo) ou de criar uma lição:

    python ferramentas/sincronizar.py             # reescreve o que mudou
    python ferramentas/sincronizar.py --verificar # só confere (usado nos testes)

Cada lição em ``lessons/`` começa por uma célula de texto com o título (``# ...``);
o selo vai logo abaixo do título e a célula de preparação é a primeira de código.

Também refaz, em ``instrutores.md``, o trecho entre as marcas ``MARCA_INICIO`` e
``MARCA_FIM``: o que cada lição cobre (a lista de objetivos da sua primeira
célula), quantos exercícios tem e quanto tempo leva para rodar (de
``ferramentas/tempos.yml``, anotado por ``ferramentas/executar.py``).
"""
import base64
import re
import sys
from pathlib import Path

import nbformat
import yaml

RAIZ = Path(__file__).resolve().parents[1]
# O selo é uma linha de HTML: o Markdown recusa links "data:" de imagens SVG, e o
# HTML funciona igual no site, no Jupyter e no Colab. A linha começa pela marca.
MARCA_SELO = '<p class="selo-colab">'
INTRO = RAIZ / "intro.md"
INSTRUTORES = RAIZ / "instrutores.md"
TEMPOS = RAIZ / "ferramentas" / "tempos.yml"
MARCA_INICIO = "<!-- início do trecho gerado por ferramentas/sincronizar.py: não edite à mão -->"
MARCA_FIM = "<!-- fim do trecho gerado -->"

CELULA_PREPARACAO = '''\
# Preparação (igual em todas as lições). Onde o módulo do curso falta (no Colab),
# instala-o do repositório do curso; onde já está instalado, não instala nada.
import importlib.util, os, subprocess, sys

REPOSITORIO = "{url}"
VERSAO = "{ramo}"  # ramo ou etiqueta do repositório
if importlib.util.find_spec("cursoconv") is None:
    fonte = os.environ.get("CURSOCONV_FONTE") or f"git+{{REPOSITORIO}}@{{VERSAO}}"
    print(f"Instalando o módulo do curso a partir de {{fonte}} ...")
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                          "--disable-pip-version-check", fonte], capture_output=True, text=True)
    if pip.returncode != 0:
        print(pip.stdout + pip.stderr)
        raise RuntimeError("Não foi possível instalar o módulo do curso (veja a mensagem do pip "
                           "acima). Confira a conexão com a internet e rode esta célula de novo.")
    importlib.invalidate_caches()

from cursoconv import utils

utils.fixar_semente(0)
print(utils.relatar_ambiente())'''


def configuracao():
    cfg = yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))
    return cfg["repository"]["url"].rstrip("/"), cfg["repository"].get("branch", "main")


def selo_svg():
    """Um selo "Abrir no Colab" desenhado aqui mesmo (nada é buscado fora)."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="126" height="20" role="img" '
           'aria-label="Abrir no Colab"><rect width="126" height="20" rx="3" fill="#555"/>'
           '<rect x="44" width="82" height="20" rx="3" fill="#f9ab00"/>'
           '<rect x="44" width="6" height="20" fill="#f9ab00"/>'
           '<g font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" fill="#fff">'
           '<text x="8" y="14">Abrir</text><text x="52" y="14" fill="#222">no Colab</text></g></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def url_colab(url, ramo, caminho):
    caminho_repo = re.sub(r"^https://github\.com/", "", url)
    return f"https://colab.research.google.com/github/{caminho_repo}/blob/{ramo}/{caminho}"


def linha_selo(url, ramo, caminho):
    return (f'{MARCA_SELO}<a href="{url_colab(url, ramo, caminho)}">'
            f'<img src="{selo_svg()}" alt="Abrir no Colab"></a></p>')


def titulo_da_licao(nb):
    """O título da lição: a primeira linha da primeira célula, sem o '# '."""
    return nb.cells[0].source.lstrip().split("\n")[0].lstrip("# ").strip()


def licoes():
    return sorted((RAIZ / "lessons").glob("*.ipynb"))


def sincronizar(nb, caminho, url, ramo):
    """Ajusta o notebook ``nb`` em memória; devolve True se algo mudou."""
    mudou = False
    titulo = nb.cells[0]
    if titulo.cell_type != "markdown" or not titulo.source.lstrip().startswith("# "):
        raise SystemExit(f"{caminho}: a primeira célula deve ser de texto e começar pelo título '# ...'.")
    linhas = [l for l in titulo.source.split("\n") if MARCA_SELO not in l]
    linhas.insert(1, linha_selo(url, ramo, caminho))
    novo = "\n".join(linhas)
    if novo != titulo.source:
        titulo.source, mudou = novo, True
    codigo = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    celula = nb.cells[codigo]
    esperado = CELULA_PREPARACAO.format(url=url, ramo=ramo)
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


def objetivos(texto):
    """Os itens da lista de objetivos (a que vem depois da linha com "Objetivos")."""
    itens, achou = [], False
    for linha in texto.split("\n"):
        if not achou:
            achou = "Objetivos" in linha
        elif linha.startswith("- "):
            itens.append(linha[2:].strip())
        elif itens and linha.startswith("  ") and linha.strip():
            itens[-1] += " " + linha.strip()
        elif itens:
            break
    return itens


def apresentacao(texto):
    """O texto entre o título (e o selo) e a linha dos objetivos: a apresentação da lição."""
    linhas = []
    for linha in texto.split("\n")[1:]:
        if "Objetivos" in linha:
            break
        if not linha.startswith(MARCA_SELO):
            linhas.append(linha)
    return "\n".join(linhas).strip()


def duracao(segundos):
    segundos = round(segundos)
    if segundos < 60:
        return f"{segundos} s"
    return f"{segundos // 60} min {segundos % 60:02d} s"


def tempo(medida):
    if not medida:
        return "ainda não medido"
    return (f"{duracao(medida['segundos'])} ({medida['maquina']}; PyTorch {medida['pytorch']}, "
            f"medido em {medida['data']})")


def trecho_instrutores(url, ramo):
    """O texto gerado da página para instrutores: uma seção por lição e a tabela de tempos."""
    tempos = yaml.safe_load(TEMPOS.read_text(encoding="utf-8")) if TEMPOS.is_file() else {}
    tempos = tempos or {}
    partes = []
    anterior = None
    for arquivo in licoes():
        nb = nbformat.read(arquivo, as_version=4)
        caminho = arquivo.relative_to(RAIZ).as_posix()
        titulo = titulo_da_licao(nb)
        textos = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        exercicios = re.findall(r"^[ \t]*(?::{3,}|`{3,})\{exercise(?:-start)?\}", textos, re.MULTILINE)
        em_codigo = sum("solucao" in c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code")
        itens = objetivos(nb.cells[0].source)
        partes.append(f"### {titulo}\n")
        partes.append(f"{{doc}}`Ler a lição <{caminho[:-len('.ipynb')]}>` · "
                      f"[abrir no Colab]({url_colab(url, ramo, caminho)})\n")
        if apresentacao(nb.cells[0].source):
            partes.append(apresentacao(nb.cells[0].source) + "\n")
        if anterior:
            partes.append(f"**Pressupõe.** Os pré-requisitos do curso e as lições anteriores, até a "
                          f"{{doc}}`{anterior[0]} <{anterior[1]}>`.\n")
        else:
            partes.append("**Pressupõe.** Só os pré-requisitos do curso.\n")
        anterior = (titulo, caminho[:-len(".ipynb")])
        partes.append("**O que cobre.** Ao final, o aluno saberá:\n")
        partes += [f"- {item}" for item in itens] or ["- (a lição não lista objetivos)"]
        partes.append("")
        resolvidos = f", {em_codigo} com solução em código que roda nos testes" if em_codigo else ""
        partes.append(f"**Exercícios.** {len(exercicios)}{resolvidos}.\n")
    return "\n".join(partes + ["### Tempo para rodar cada lição\n",
                                "Do início ao fim, com os dados completos:\n", tabela_tempos(tempo)])


def tabela_tempos(formato):
    """A tabela de tempos de cada lição (CPU e GPU), lida de ``tempos.yml``."""
    tempos = (yaml.safe_load(TEMPOS.read_text(encoding="utf-8")) if TEMPOS.is_file() else {}) or {}
    tabela = ["| lição | CPU | GPU |", "| --- | --- | --- |"]
    for arquivo in licoes():
        nb = nbformat.read(arquivo, as_version=4)
        titulo = titulo_da_licao(nb)
        medidas = tempos.get(arquivo.stem, {})
        tabela.append(f"| {titulo} | {formato(medidas.get('cpu'))} | {formato(medidas.get('gpu'))} |")
    return "\n".join(tabela)


def trecho_intro(url, ramo):
    """A tabela curta de tempos da página inicial (o hardware está na página para instrutores)."""
    curto = lambda m: duracao(m["segundos"]) if m else "ainda não medido"
    return tabela_tempos(curto)


def sincronizar_pagina(pagina, trecho, verificar):
    """Refaz o trecho gerado de ``pagina``; devolve True se ele estava diferente."""
    texto = pagina.read_text(encoding="utf-8")
    if texto.count(MARCA_INICIO) != 1 or texto.count(MARCA_FIM) != 1:
        raise SystemExit(f"{pagina.name}: faltam as marcas do trecho gerado.")
    antes, resto = texto.split(MARCA_INICIO)
    _, depois = resto.split(MARCA_FIM)
    novo = f"{antes}{MARCA_INICIO}\n\n{trecho}\n\n{MARCA_FIM}{depois}"
    if novo != texto and not verificar:
        pagina.write_text(novo, encoding="utf-8")
    return novo != texto


def main(verificar=False):
    url, ramo = configuracao()
    fora = []
    for arquivo in licoes():
        nb = nbformat.read(arquivo, as_version=4)
        caminho = arquivo.relative_to(RAIZ).as_posix()
        if sincronizar(nb, caminho, url, ramo):
            fora.append(caminho)
            if not verificar:
                nbformat.write(nb, arquivo)
    for pagina, trecho in ((INSTRUTORES, trecho_instrutores), (INTRO, trecho_intro)):
        if sincronizar_pagina(pagina, trecho(url, ramo), verificar):
            fora.append(pagina.name)
    if fora:
        acao = "fora de sincronia" if verificar else "atualizados"
        print(f"Arquivos {acao}: " + ", ".join(fora))
    return 1 if (verificar and fora) else 0


if __name__ == "__main__":
    sys.exit(main(verificar="--verificar" in sys.argv))
