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
a célula de preparação é a primeira de código.

Também refaz, em ``instrutores.md``, o trecho entre as marcas ``MARCA_INICIO`` e
``MARCA_FIM``: o que cada lição cobre (a lista de objetivos da sua primeira
célula), os links para dar a lição aos alunos, os exercícios (corrigidos
automaticamente ou por leitura, com os critérios de correção tirados das
soluções), o tempo de aula e o tempo para rodar (de ``ferramentas/tempos.yml``,
anotado por ``python -m ferramentas.executar``).
"""
import base64
import re
import sys

import nbformat
from ferramentas import repositorio
from ferramentas.repositorio import RAIZ, titulo_da_licao

# O selo é uma linha de HTML: o Markdown recusa links "data:" de imagens SVG, e o
# HTML funciona igual no site, no Jupyter e no Colab. A linha começa pela marca.
MARCA_SELO = '<p class="selo-colab">'
# Logo abaixo do selo, o tempo medido para rodar a lição inteira (de tempos.yml), também em HTML:
# uma linha de Markdown colada ao selo viraria parte do bloco HTML e sairia crua.
MARCA_TEMPO = '<p class="tempo-de-execucao">'
INTRO = repositorio.INTRO
INSTRUTORES = repositorio.INSTRUTORES
TEMPOS = repositorio.TEMPOS
MARCA_INICIO = "<!-- início do trecho gerado por ferramentas/sincronizar.py: não edite à mão -->"
MARCA_FIM = "<!-- fim do trecho gerado -->"

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


def selo_svg():
    """Um selo "Abrir no Colab" desenhado aqui mesmo (nada é buscado fora)."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="126" height="20" role="img" '
           'aria-label="Abrir no Colab"><rect width="126" height="20" rx="3" fill="#555"/>'
           '<rect x="44" width="82" height="20" rx="3" fill="#f9ab00"/>'
           '<rect x="44" width="6" height="20" fill="#f9ab00"/>'
           '<g font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" fill="#fff">'
           '<text x="8" y="14">Abrir</text><text x="52" y="14" fill="#222">no Colab</text></g></svg>')
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


def sincronizar(nb, arquivo):
    """Ajusta o notebook ``nb`` (a lição ``arquivo``) em memória; devolve True se algo mudou."""
    mudou = False
    titulo = nb.cells[0]
    if titulo.cell_type != "markdown" or not titulo.source.lstrip().startswith("# "):
        raise SystemExit(f"{arquivo.name}: a primeira célula deve ser de texto e começar pelo título '# ...'.")
    linhas = [l for l in titulo.source.split("\n") if MARCA_SELO not in l and MARCA_TEMPO not in l]
    linhas.insert(1, linha_selo(repositorio.url_colab(caminho_edicao(arquivo))))
    tempos = repositorio.ler_yaml(TEMPOS) if TEMPOS.is_file() else {}
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


DOC_RELATIVO = re.compile(r"(\{doc\}`[^`<]*<)([^/>][^>]*>`)")


def apresentacao(texto):
    """O texto entre o título (e o selo) e a linha dos objetivos: a apresentação da lição."""
    linhas = []
    for linha in texto.split("\n")[1:]:
        if "Objetivos" in linha:
            break
        if not linha.startswith((MARCA_SELO, MARCA_TEMPO)):
            linhas.append(linha)
    # Os links {doc} de uma lição são relativos a lessons/; fora dela (página inicial, instrutores), absolutos.
    return DOC_RELATIVO.sub(r"\1/lessons/\2", "\n".join(linhas).strip())


def duracao(segundos):
    segundos = round(segundos)
    if segundos < 60:
        return f"{segundos} s"
    return f"{segundos // 60} min {segundos % 60:02d} s"


def tempos_com_notas():
    """A tabela de tempos com o hardware em notas numeradas abaixo (compacta no celular)."""
    maquinas = []

    def celula(medida):
        if not medida:
            return "ainda não medido"
        nota = f"{medida['maquina']}; PyTorch {medida['pytorch']}, medido em {medida['data']}."
        if nota not in maquinas:
            maquinas.append(nota)
        return f"{duracao(medida['segundos'])} ({maquinas.index(nota) + 1})"

    tabela = tabela_tempos(celula)
    return tabela + "\n\n" + "\n".join(f"({i}) {nota}  " for i, nota in enumerate(maquinas, 1)).rstrip()


#: Estimativa do tempo de aula: leitura do texto e do código (palavras por minuto) e
#: minutos por exercício, corrigido automaticamente (código) ou por leitura.
PALAVRAS_POR_MINUTO = 100
MINUTOS_EXERCICIO = {"automatico": 12, "leitura": 8}


def tempo_de_aula(nb, exercicios, tempos):
    """Minutos estimados de aula: ler, rodar na GPU (ou na CPU) e fazer os exercícios."""
    linhas = (l for c in nb.cells for l in c.source.split("\n") if not l.startswith((MARCA_SELO, MARCA_TEMPO)))
    palavras = sum(len(re.findall(r"\w+", l)) for l in linhas)  # sem o selo e a linha do tempo
    leitura = palavras / PALAVRAS_POR_MINUTO
    fazer = sum(MINUTOS_EXERCICIO["automatico" if e.automatico else "leitura"] for e in exercicios)
    medida = tempos.get("gpu") or tempos.get("cpu")
    maquina = medida["segundos"] / 60 if medida else 0
    return leitura, fazer, maquina


def _em_uma_linha(texto):
    return re.sub(r"\s*\n\s*", " ", texto).replace("|", "\\|").strip()


def tabela_exercicios(exercicios):
    """Tabela de exercícios: os corrigidos automaticamente e os por leitura, com os critérios."""
    linhas = ["| exercício | lição | correção | gabarito e critérios (só nesta página e nas soluções) |",
              "| --- | --- | --- | --- |"]
    for e in exercicios:
        licao = f"{{doc}}`{e.licao[:2]} <lessons/{e.licao}>`"
        if e.automatico:
            correcao, criterio = "automática", f"verificador `{e.rotulo}` (`make corrigir`)"
        else:
            correcao = "por leitura"
            criterio = _em_uma_linha(e.criterios) or "*(falta o parágrafo **Critérios de correção:** na solução)*"
        linhas.append(f"| {{ref}}`Exercício {e.numero} <{e.rotulo}>` | {licao} | {correcao} | {criterio} |")
    return "\n".join(linhas)


def trecho_instrutores():
    """O texto gerado da página para instrutores: uma seção por lição e as tabelas."""
    from ferramentas import myst
    tempos = repositorio.ler_yaml(TEMPOS) if TEMPOS.is_file() else {}
    todos = myst.exercicios()
    partes = []
    anterior = None
    for arquivo in repositorio.licoes():
        nb = nbformat.read(arquivo, as_version=4)
        caminho = repositorio.relativo(arquivo)
        titulo = titulo_da_licao(nb)
        exercicios = [e for e in todos if e.licao == arquivo.stem]
        automaticos = sum(e.automatico for e in exercicios)
        itens = objetivos(nb.cells[0].source)
        partes.append(f"### {titulo}\n")
        partes.append(f"{{doc}}`Ler a lição <{caminho[:-len('.ipynb')]}>` · "
                      f"[edição do aluno no Colab]({repositorio.url_colab(caminho_edicao(arquivo, 'aluno'))}) "
                      f"(o link para dar à turma) · "
                      f"[edição completa no Colab]({repositorio.url_colab(caminho_edicao(arquivo))})\n")
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
        numeros = ", ".join(str(e.numero) for e in exercicios)
        partes.append(f"**Exercícios.** {len(exercicios)} ({numeros}), {automaticos} corrigidos "
                      f"automaticamente e {len(exercicios) - automaticos} por leitura.\n")
        leitura, fazer, maquina = tempo_de_aula(nb, exercicios, tempos.get(arquivo.stem, {}))
        total = 5 * round((leitura + fazer + maquina) / 5 + 0.49)
        partes.append(f"**Tempo de aula (estimativa).** Cerca de {total} min: {round(leitura)} min de "
                      f"leitura do texto e do código, {round(fazer)} min de exercícios e "
                      f"{round(maquina)} min de máquina.\n")
    return "\n".join(partes + [
        "### Exercícios e como são corrigidos\n",
        "Os números são os do site. Os corrigidos automaticamente têm uma célula de verificação "
        "na lição e entram na planilha de `make corrigir`; os por leitura têm, aqui, o gabarito e "
        "a rubrica, tirados do parágrafo **Critérios de correção:** da solução de cada um "
        "(a edição do aluno não traz as soluções).\n",
        tabela_exercicios(todos) + "\n",
        "### Tempo para rodar cada lição\n",
        "Do início ao fim, com os dados completos (o hardware de cada medida está nas notas):\n",
        tempos_com_notas()])


def tabela_tempos(formato):
    """A tabela de tempos de cada lição (CPU e GPU), lida de ``tempos.yml``."""
    tempos = repositorio.ler_yaml(TEMPOS) if TEMPOS.is_file() else {}
    tabela = ["| lição | CPU | GPU |", "| --- | --- | --- |"]
    for arquivo in repositorio.licoes():
        nb = nbformat.read(arquivo, as_version=4)
        titulo = titulo_da_licao(nb)
        medidas = tempos.get(arquivo.stem, {})
        tabela.append(f"| {titulo} | {formato(medidas.get('cpu'))} | {formato(medidas.get('gpu'))} |")
    return "\n".join(tabela)


def resumo_da_licao(nb):
    """Uma frase sobre a lição: a da apresentação que diz "Nesta lição...", ou a primeira."""
    frases = re.split(r"(?<=[.!?])\s+", _em_uma_linha(apresentacao(nb.cells[0].source)))
    return next((f for f in frases if f.startswith("Nesta lição")), frases[0])


def trecho_intro():
    """A página inicial: uma linha por lição, com link, do que trata e o tempo na CPU e na GPU
    (o hardware de cada medida está na página para instrutores)."""
    tempos = repositorio.ler_yaml(TEMPOS) if TEMPOS.is_file() else {}
    curto = lambda m: duracao(m["segundos"]) if m else "ainda não medido"
    tabela = ["| lição | do que trata | CPU | GPU |", "| --- | --- | --- | --- |"]
    for arquivo in repositorio.licoes():
        nb = nbformat.read(arquivo, as_version=4)
        medidas = tempos.get(arquivo.stem, {})
        link = f"[{titulo_da_licao(nb)}]({repositorio.relativo(arquivo)})"
        tabela.append(f"| {link} | {resumo_da_licao(nb)} | {curto(medidas.get('cpu'))} | {curto(medidas.get('gpu'))} |")
    return "\n".join(tabela)


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
    fora = []
    for arquivo in repositorio.licoes():
        nb = nbformat.read(arquivo, as_version=4)
        if sincronizar(nb, arquivo):
            fora.append(repositorio.relativo(arquivo))
            if not verificar:
                nbformat.write(nb, arquivo)
    for pagina, trecho in ((INSTRUTORES, trecho_instrutores), (INTRO, trecho_intro)):
        if sincronizar_pagina(pagina, trecho(), verificar):
            fora.append(pagina.name)
    if fora:
        acao = "fora de sincronia" if verificar else "atualizados"
        print(f"Arquivos {acao}: " + ", ".join(fora))
    return 1 if (verificar and fora) else 0


if __name__ == "__main__":
    sys.exit(main(verificar="--verificar" in sys.argv))
