"""O notebook que roda: as células do curso com as respostas tiradas da entrega.

A ideia é a do ``OverwriteCells`` do nbgrader. A edição do aluno do curso
(gerada de ``lessons/`` na hora, por ``ferramentas.edicoes``) marca as suas
células de resposta (``metadata.cursoconv.resposta``). O notebook corrigido é a
edição do aluno, célula por célula, com:

- cada célula de resposta trocada pela célula da entrega com o mesmo id (o
  Jupyter guarda o id de cada célula em ``id``; o Colab, em ``metadata.id``);
  sem id igual, pela célula da entrega que está no mesmo lugar, entre as mesmas
  células do curso; sem nenhuma, fica a do curso (o exercício sai "sem
  resposta");
- todas as outras células (texto, exemplos, verificações) como o curso as
  escreveu: editar ou apagar uma célula de verificação não muda nada;
- as células que o aluno **acrescentou** (id que o curso não tem e texto
  diferente de todas as células do curso) rodam no lugar em que estão, logo
  depois da célula do curso que as precede na entrega: o aluno pode ter
  escrito nelas uma função auxiliar que a resposta usa. Elas aparecem no
  relatório.

Uma entrega que mexe no próprio resultado (troca um verificador, escreve em
``RESULTADOS``...) não é impedida, mas é apontada no relatório: :func:`suspeitas`
procura no código que veio do aluno os nomes de que isso precisa, e a correção
só aceita o resultado de um exercício dado na sua própria célula de verificação.
"""
import ast
import copy
import re

import nbformat

SUSPEITOS = re.compile(r"\b(verificacao|exercicios|licao\d\.\w+\s*=|RESULTADOS|registrar|verificar_\w+\s*=|"
                       r"publish_display_data|vnd\.cursoconv|sys\.modules|__code__|__globals__|builtins|"
                       r"ctypes|setattr\s*\(\s*(conv|base|licao\d))")


def _id(celula):
    return celula.get("id") or (celula.get("metadata") or {}).get("id")


def resposta_de(celula):
    """O rótulo do exercício de uma célula de resposta do curso, ou ``None``."""
    return ((celula.get("metadata") or {}).get("cursoconv") or {}).get("resposta")


def _fonte(celula):
    fonte = celula.get("source", "")
    return "".join(fonte) if isinstance(fonte, list) else fonte


def restaurar(curso, entrega):
    """O notebook a rodar e a lista das células acrescentadas pelo aluno.

    Cada célula do resultado leva ``metadata.correcao``: ``{"origem": "curso"}``,
    ``{"origem": "resposta", "rotulo": ...}`` ou ``{"origem": "acrescentada"}``.
    """
    cursos = curso.cells
    por_id = {c.id: i for i, c in enumerate(cursos)}
    fixas = {}
    for i, c in enumerate(cursos):
        if not resposta_de(c):
            fixas.setdefault((c.cell_type, c.source.strip()), []).append(i)
    # 1. Cada célula da entrega: a do curso com o mesmo id, ou com o mesmo texto, ou nenhuma.
    mapa, usados = [], set()
    for c in entrega.get("cells", []):
        i = por_id.get(_id(c))
        if i is None or i in usados:
            livres = [k for k in fixas.get((c.get("cell_type"), _fonte(c).strip()), []) if k not in usados]
            i = livres[0] if livres else None
        if i is not None:
            usados.add(i)
        mapa.append(i)
    # 2. Respostas sem id igual: a célula da entrega no mesmo intervalo entre células do curso.
    respostas = {i: c for i, c in zip(mapa, entrega.get("cells", [])) if i is not None and resposta_de(cursos[i])}
    acrescentadas = {}  # índice do curso que as precede → células
    anterior = -1
    for k, (i, c) in enumerate(zip(mapa, entrega.get("cells", []))):
        if i is not None:
            anterior = i
            continue
        seguinte = next((j for j in mapa[k + 1:] if j is not None), len(cursos))
        vagas = [r for r in range(anterior + 1, seguinte) if resposta_de(cursos[r]) and r not in respostas
                 and cursos[r].cell_type == c.get("cell_type")]
        if vagas:
            respostas[vagas[0]] = c
            anterior = vagas[0]
        else:
            acrescentadas.setdefault(anterior, []).append(c)
    # 3. O notebook: o curso, com as respostas e as acrescentadas no lugar.
    celulas, extras = [], []

    def copiar(c, origem, rotulo=None):
        tipo = c.get("cell_type")
        novo = (nbformat.v4.new_code_cell if tipo == "code" else nbformat.v4.new_markdown_cell)(_fonte(c))
        novo.metadata["correcao"] = {"origem": origem, **({"rotulo": rotulo} if rotulo else {})}
        return novo

    for c in acrescentadas.get(-1, []):
        if c.get("cell_type") in ("code", "markdown"):
            celulas.append(copiar(c, "acrescentada"))
            extras.append(celulas[-1])
    for i, c in enumerate(cursos):
        rotulo = resposta_de(c)
        if rotulo and i in respostas and respostas[i].get("cell_type") == c.cell_type:
            celulas.append(copiar(respostas[i], "resposta", rotulo))
        else:
            novo = copy.deepcopy(c)
            novo.metadata["correcao"] = {"origem": "resposta" if rotulo else "curso",
                                         **({"rotulo": rotulo, "em_branco": True} if rotulo else {})}
            celulas.append(novo)
        for extra in acrescentadas.get(i, []):
            if extra.get("cell_type") in ("code", "markdown"):
                celulas.append(copiar(extra, "acrescentada"))
                extras.append(celulas[-1])
    nb = nbformat.v4.new_notebook(cells=celulas, metadata=copy.deepcopy(curso.metadata))
    for c in nb.cells:
        c.pop("outputs", None) if c.cell_type != "code" else None
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    return nb, extras


def identificacao(nb):
    """``(nome, matrícula)`` escritos pelo aluno na célula de identificação (lidos sem rodar nada)."""
    valores = {"NOME": "", "MATRICULA": ""}
    for c in nb.cells:
        if (c.metadata.get("correcao") or {}).get("rotulo") == "identificacao":
            try:
                arvore = ast.parse(c.source)
            except SyntaxError:
                break
            for no in arvore.body:
                if isinstance(no, ast.Assign) and isinstance(no.value, ast.Constant):
                    for alvo in no.targets:
                        if isinstance(alvo, ast.Name) and alvo.id in valores:
                            valores[alvo.id] = str(no.value.value).strip()
    return valores["NOME"], valores["MATRICULA"]


def suspeitas(nb):
    """Trechos do código que veio do aluno que podem mexer no resultado (para o instrutor ler)."""
    achados = []
    for i, c in enumerate(nb.cells):
        origem = (c.metadata.get("correcao") or {}).get("origem")
        if c.cell_type != "code" or origem == "curso" or c.metadata["correcao"].get("em_branco"):
            continue
        for n, linha in enumerate(c.source.split("\n"), 1):
            if SUSPEITOS.search(linha) and not linha.lstrip().startswith("#"):
                achados.append(f"célula {i + 1}, linha {n}: {linha.strip()[:120]}")
    return achados


def respostas_escritas(nb):
    """Rótulo → texto de cada resposta escrita (células de texto de resposta)."""
    from ferramentas.edicoes import LUGAR_DO_TEXTO
    return {c.metadata["correcao"]["rotulo"]: ("" if c.metadata["correcao"].get("em_branco")
                                               or c.source.strip() == LUGAR_DO_TEXTO else c.source)
            for c in nb.cells if c.cell_type == "markdown"
            and (c.metadata.get("correcao") or {}).get("origem") == "resposta"}


def reconhecer(nb, titulos):
    """A lição (``"01-a-operacao-de-convolucao"``) de um notebook, pelo conteúdo; ``""`` se nenhuma."""
    marcada = ((nb.get("metadata") or {}).get("cursoconv") or {}).get("licao")
    if marcada in titulos:
        return marcada
    for celula in nb.get("cells", []):
        if celula.get("cell_type") == "markdown":
            primeira = _fonte(celula).lstrip().split("\n")[0].lstrip("# ").strip()
            for licao, titulo in titulos.items():
                if primeira == titulo:
                    return licao
            break
    return ""
