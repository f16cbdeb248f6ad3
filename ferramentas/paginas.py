"""Os trechos gerados da página inicial (``intro.md``) e da página para instrutores (``instrutores.md``).

O trecho fica entre as marcas ``MARCA_INICIO`` e ``MARCA_FIM``. Em ``instrutores.md``: o que
cada lição cobre (a lista de objetivos da sua primeira célula), os links para dar a lição
aos alunos, os exercícios (corrigidos automaticamente ou por leitura, com os critérios de
correção tirados das soluções), o tempo de aula e o tempo para rodar (de
``ferramentas/tempos.yml``, anotado por ``python -m ferramentas.executar``). Em ``intro.md``:
uma linha por lição. ``python -m ferramentas.sincronizar`` os refaz.
"""
import re

from markdown_it.tree import SyntaxTreeNode

from ferramentas import myst, repositorio
from ferramentas.cabecalho import MARCA_SELO, MARCA_TEMPO, caminho_edicao, duracao
from ferramentas.repositorio import titulo_da_licao

MARCA_INICIO = "<!-- início do trecho gerado por ferramentas/sincronizar.py: não edite à mão -->"
MARCA_FIM = "<!-- fim do trecho gerado -->"


def objetivos(texto):
    """Os itens da primeira lista depois do parágrafo que diz "Objetivos" (lida pelo markdown-it-py)."""
    achou = False
    for no in SyntaxTreeNode(myst.LEITOR.parse(texto)).children:
        if achou and no.type == "bullet_list":
            return [" ".join(l.strip() for l in item.children[0].children[0].content.split("\n")) for item in no.children]
        achou = achou or any("Objetivos" in n.content for n in no.walk() if n.type == "inline")
    return []


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


def licoes_lidas():
    """``(arquivo, notebook, medidas)`` de cada lição, na ordem do livro (``medidas``: a entrada de ``tempos.yml``)."""
    tempos = repositorio.tempos()
    for arquivo in repositorio.licoes():
        yield arquivo, repositorio.ler_licao(arquivo), tempos.get(arquivo.stem, {})


def tempos_com_notas():
    """A tabela de tempos de cada lição (CPU e GPU), com o hardware em notas numeradas abaixo (compacta no celular)."""
    maquinas = []

    def celula(medida):
        if not medida:
            return "ainda não medido"
        nota = f"{medida['maquina']}; PyTorch {medida['pytorch']}, medido em {medida['data']}."
        if nota not in maquinas:
            maquinas.append(nota)
        return f"{duracao(medida['segundos'])} ({maquinas.index(nota) + 1})"

    tabela = ["| lição | CPU | GPU |", "| --- | --- | --- |"]
    tabela += [f"| {titulo_da_licao(nb)} | {celula(medidas.get('cpu'))} | {celula(medidas.get('gpu'))} |"
               for _, nb, medidas in licoes_lidas()]
    return "\n".join(tabela) + "\n\n" + "\n".join(f"({i}) {nota}  " for i, nota in enumerate(maquinas, 1)).rstrip()


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
    todos = myst.exercicios()
    partes = []
    anterior = None
    for arquivo, nb, medidas in licoes_lidas():
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
        leitura, fazer, maquina = tempo_de_aula(nb, exercicios, medidas)
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


def resumo_da_licao(nb):
    """Uma frase sobre a lição: a da apresentação que diz "Nesta lição...", ou a primeira."""
    frases = re.split(r"(?<=[.!?])\s+", _em_uma_linha(apresentacao(nb.cells[0].source)))
    return next((f for f in frases if f.startswith("Nesta lição")), frases[0])


def trecho_intro():
    """A página inicial: uma linha por lição, com link, do que trata e o tempo na CPU e na GPU
    (o hardware de cada medida está na página para instrutores)."""
    curto = lambda m: duracao(m["segundos"]) if m else "ainda não medido"
    tabela = ["| lição | do que trata | CPU | GPU |", "| --- | --- | --- | --- |"]
    for arquivo, nb, medidas in licoes_lidas():
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
