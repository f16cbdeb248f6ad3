"""A forma do código: o grafo de importações de cursoconv/ e ferramentas/, calculado do código-fonte.

Sem círculos de importação, sem importação que sobe de papel (o núcleo não
importa o código das lições, que não importa figuras nem exercícios, e nada
dentro do pacote importa ``cursoconv.utils``, a porta de entrada das lições),
sem ``__getattr__`` de módulo (nomes que o grep não acha), sem nome privado
(``_algo``) usado de outro arquivo e sem arquivo de mais de ``LIMITE_DE_LINHAS``
linhas. O próprio verificador é testado num pacote quebrado de propósito.

``python tests/test_estrutura.py`` imprime os números do grafo (arquivos, níveis,
círculos, importações que sobem) que o README registra.
"""
import ast
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[1]
PACOTES = ("cursoconv", "ferramentas")
LIMITE_DE_LINHAS = 250

#: O papel de cada parte de cursoconv, de baixo para cima: um módulo só importa papéis iguais ou abaixo.
PAPEIS = {"núcleo": 0, "lição": 1, "figuras": 2, "exercícios": 2, "porta": 3}
PAPEL_DE = {
    "cursoconv": "núcleo", "cursoconv.ambiente": "núcleo", "cursoconv.dados": "núcleo",
    "cursoconv.carregadores": "núcleo", "cursoconv.treino": "núcleo", "cursoconv.avaliacao": "núcleo",
    "cursoconv.protecao": "núcleo", "cursoconv.grafo_cuda": "núcleo", "cursoconv.graficos": "núcleo",
    "cursoconv.formato": "núcleo", "cursoconv.conv": "lição", "cursoconv.lenet": "lição",
    "cursoconv.figuras": "figuras", "cursoconv.exercicios": "exercícios", "cursoconv.utils": "porta",
}

#: Arquivos ainda acima do limite (dados.py tem 260 linhas, com uma importação por linha). Um
#: arquivo novo acima do limite faz o teste falhar; tire daqui o que já encolheu.
GRANDES_POR_ENQUANTO = {"cursoconv/dados.py"}


# ---------------------------------------------------------------- o verificador

def modulos(raiz, pacotes=PACOTES):
    """Nome do módulo → caminho, para cada arquivo .py dos pacotes."""
    achados = {}
    for pacote in pacotes:
        for caminho in sorted((raiz / pacote).rglob("*.py")):
            partes = list(caminho.relative_to(raiz).with_suffix("").parts)
            if partes[-1] == "__init__":
                partes.pop()
            achados[".".join(partes)] = caminho
    return achados


def _importacoes(nome, caminho, conhecidos):
    """(linha, módulo importado, nomes importados dele, nome local do módulo ou None) de cada importação
    do arquivo entre módulos conhecidos, com as importações relativas resolvidas."""
    arvore = ast.parse(caminho.read_text(encoding="utf-8"))
    pacote = nome if caminho.name == "__init__.py" else nome.rpartition(".")[0]
    for no in ast.walk(arvore):
        if isinstance(no, ast.Import):
            for apelido in no.names:
                alvo = apelido.name
                while alvo and alvo not in conhecidos:
                    alvo = alvo.rpartition(".")[0]
                if alvo:  # "import a.b" liga o nome a ao pacote a; "import a.b as c" liga c ao módulo a.b
                    topo = apelido.name.split(".")[0]
                    local = apelido.asname or (topo if alvo == topo else None)
                    yield no.lineno, alvo, [], local
        elif isinstance(no, ast.ImportFrom):
            base = no.module or ""
            if no.level:
                partes = pacote.split(".")
                partes = partes[:len(partes) - (no.level - 1)]
                base = ".".join(partes + ([no.module] if no.module else []))
            for apelido in no.names:
                if f"{base}.{apelido.name}" in conhecidos:  # from pacote import modulo
                    yield no.lineno, f"{base}.{apelido.name}", [], apelido.asname or apelido.name
                elif base in conhecidos:
                    yield no.lineno, base, [apelido.name], None


def grafo(raiz, pacotes=PACOTES):
    """Módulo → {módulo importado: [(linha, nomes importados)]}, só entre módulos dos pacotes."""
    conhecidos = modulos(raiz, pacotes)
    arestas = {nome: {} for nome in conhecidos}
    for nome, caminho in conhecidos.items():
        for linha, alvo, nomes, _ in _importacoes(nome, caminho, conhecidos):
            if alvo != nome:
                arestas[nome].setdefault(alvo, []).append((linha, nomes))
    return arestas


def circulos(arestas):
    """Os componentes fortemente conexos com mais de um módulo (algoritmo de Tarjan)."""
    indice, baixo, pilha, na_pilha, achados = {}, {}, [], set(), []

    def visitar(v):
        indice[v] = baixo[v] = len(indice)
        pilha.append(v)
        na_pilha.add(v)
        for w in arestas[v]:
            if w not in indice:
                visitar(w)
                baixo[v] = min(baixo[v], baixo[w])
            elif w in na_pilha:
                baixo[v] = min(baixo[v], indice[w])
        if baixo[v] == indice[v]:
            componente = set()
            while True:
                w = pilha.pop()
                na_pilha.discard(w)
                componente.add(w)
                if w == v:
                    break
            if len(componente) > 1:
                achados.append(sorted(componente))

    for v in sorted(arestas):
        if v not in indice:
            visitar(v)
    return achados


def niveis(arestas):
    """Quantos níveis tem o grafo: 1 + o caminho mais longo, com cada círculo contado como um módulo só."""
    grupo = {v: v for v in arestas}
    for componente in circulos(arestas):
        for v in componente:
            grupo[v] = componente[0]
    memoria = {}

    def nivel(g):
        if g not in memoria:
            memoria[g] = 1
            abaixo = {grupo[w] for v in arestas if grupo[v] == g for w in arestas[v]} - {g}
            memoria[g] = 1 + max((nivel(w) for w in abaixo), default=0)
        return memoria[g]

    return max((nivel(g) for g in set(grupo.values())), default=0)


def papel(nome, tabela=PAPEL_DE):
    """O papel de um módulo de cursoconv pela tabela (o prefixo mais longo que casa), ou None."""
    while nome:
        if nome in tabela:
            return tabela[nome]
        nome = nome.rpartition(".")[0]
    return None


def sobem(arestas, tabela=PAPEL_DE):
    """(módulo, linha, importado) de cada importação que vai a um papel acima do seu."""
    achadas = set()
    for nome, alvos in arestas.items():
        for alvo, usos in alvos.items():
            de, para = papel(nome, tabela), papel(alvo, tabela)
            if de and para and PAPEIS[para] > PAPEIS[de]:
                achadas |= {(nome, linha) for linha, _ in usos}
    return sorted(achadas)


def getattr_de_modulo(raiz, pacotes=PACOTES):
    return [caminho.relative_to(raiz).as_posix() for caminho in modulos(raiz, pacotes).values()
            if any(isinstance(no, ast.FunctionDef) and no.name == "__getattr__"
                   for no in ast.parse(caminho.read_text(encoding="utf-8")).body)]


def _privado(nome):
    return nome.startswith("_") and not (nome.startswith("__") and nome.endswith("__"))


def privados_entre_arquivos(raiz, pacotes=PACOTES):
    """(módulo, nome) de cada nome privado importado de outro arquivo ou lido como modulo._nome."""
    conhecidos = modulos(raiz, pacotes)
    achados = []
    for nome, caminho in conhecidos.items():
        apelidos = {}
        for _, alvo, nomes, local in _importacoes(nome, caminho, conhecidos):
            achados += [(nome, f"{alvo}.{n}") for n in nomes if _privado(n)]
            if local:
                apelidos[local] = alvo
        for no in ast.walk(ast.parse(caminho.read_text(encoding="utf-8"))):
            if (isinstance(no, ast.Attribute) and _privado(no.attr) and isinstance(no.value, ast.Name)
                    and no.value.id in apelidos and apelidos[no.value.id] != nome):
                achados.append((nome, f"{apelidos[no.value.id]}.{no.attr}"))
    return achados


def linhas_por_arquivo(raiz, pacotes=PACOTES):
    return {caminho.relative_to(raiz).as_posix(): len(caminho.read_text(encoding="utf-8").splitlines())
            for caminho in modulos(raiz, pacotes).values()}


def linhas_de_codigo(texto):
    """Linhas com código: sem as docstrings, os comentários e as linhas em branco."""
    import io
    import tokenize
    docstrings = set()
    for no in ast.walk(ast.parse(texto)):
        corpo = getattr(no, "body", None)
        if (isinstance(no, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and corpo
                and isinstance(corpo[0], ast.Expr) and isinstance(corpo[0].value, ast.Constant)
                and isinstance(corpo[0].value.value, str)):
            docstrings.update(range(corpo[0].lineno, corpo[0].end_lineno + 1))
    com_codigo = set()
    for ficha in tokenize.generate_tokens(io.StringIO(texto).readline):
        if ficha.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                              tokenize.DEDENT, tokenize.ENDMARKER):
            com_codigo.update(range(ficha.start[0], ficha.end[0] + 1))
    return len(com_codigo - docstrings)


def numeros(raiz, pacotes=("cursoconv",), tabela=PAPEL_DE):
    arestas = grafo(raiz, pacotes)
    return {"arquivos": len(arestas), "níveis": niveis(arestas), "círculos": len(circulos(arestas)),
            "importações que sobem": len(sobem(arestas, tabela))}


def test_linhas_de_codigo_nao_contam_docstrings_comentarios_nem_brancos():
    texto = 'def f(x):\n    """Doc\n    em duas linhas."""\n\n    # comentário\n    return (x +\n            1)  # fim\n'
    assert linhas_de_codigo(texto) == 3  # def, return e a continuação
    assert linhas_de_codigo('x = """não é docstring,\né um texto"""\n') == 2


# ---------------------------------------------------------------- o repositório

def test_sem_circulos_de_importacao():
    assert circulos(grafo(RAIZ)) == []


def test_nenhuma_importacao_sobe_de_papel():
    arestas = grafo(RAIZ)
    sem_papel = [nome for nome in arestas if nome.startswith("cursoconv") and papel(nome) is None]
    assert sem_papel == [], "ponha cada módulo novo de cursoconv/ em PAPEL_DE"
    assert sobem(arestas) == []
    assert [nome for nome, alvos in arestas.items() if "cursoconv.utils" in alvos and nome.startswith("cursoconv")] == []


def test_sem_getattr_de_modulo():
    assert getattr_de_modulo(RAIZ) == []


def test_sem_nome_privado_entre_arquivos():
    assert privados_entre_arquivos(RAIZ) == []


def test_arquivos_pequenos():
    grandes = {arquivo: n for arquivo, n in linhas_por_arquivo(RAIZ).items() if n > LIMITE_DE_LINHAS}
    assert set(grandes) <= GRANDES_POR_ENQUANTO, grandes


# ---------------------------------------------------------------- o verificador num pacote quebrado

def _pacote_quebrado(raiz):
    arquivos = {
        "cursoconv/__init__.py": "",
        "cursoconv/utils.py": "from .treino import treinar\n",
        "cursoconv/treino.py": "from cursoconv import conv\n\ndef treinar():\n    return conv._escondida()\n",
        "cursoconv/conv.py": ("from .figuras import desenhar\nfrom .treino import treinar\n\n"
                              "def _escondida():\n    return 1\n"),
        "cursoconv/figuras/__init__.py": "from .base import desenhar\n",
        "cursoconv/lenet.py": "from cursoconv import utils\n",
        "cursoconv/formato.py": "def _escondida():\n    return 2\n",
        "cursoconv/figuras/base.py": ("from cursoconv.formato import _escondida\n\n"
                                      "def desenhar():\n    pass\n\n\ndef __getattr__(nome):\n    raise AttributeError\n"
                                      + "# linha\n" * 260),
        "ferramentas/__init__.py": "",
    }
    for relativo, texto in arquivos.items():
        (raiz / relativo).parent.mkdir(parents=True, exist_ok=True)
        (raiz / relativo).write_text(texto, encoding="utf-8")


def test_o_verificador_acha_cada_defeito_de_um_pacote_quebrado(tmp_path):
    _pacote_quebrado(tmp_path)
    arestas = grafo(tmp_path)
    assert arestas["cursoconv.conv"].keys() == {"cursoconv.figuras", "cursoconv.treino"}
    assert circulos(arestas) == [["cursoconv.conv", "cursoconv.treino"]]
    assert niveis(arestas) == 6  # formato → figuras.base → figuras → {conv, treino} → utils → lenet
    assert sobem(arestas) == [("cursoconv.conv", 1), ("cursoconv.lenet", 1), ("cursoconv.treino", 1)]
    assert getattr_de_modulo(tmp_path) == ["cursoconv/figuras/base.py"]
    assert sorted(privados_entre_arquivos(tmp_path)) == [("cursoconv.figuras.base", "cursoconv.formato._escondida"),
                                                         ("cursoconv.treino", "cursoconv.conv._escondida")]
    assert {a for a, n in linhas_por_arquivo(tmp_path).items() if n > LIMITE_DE_LINHAS} == {"cursoconv/figuras/base.py"}


def test_o_verificador_nao_acusa_um_pacote_em_ordem(tmp_path):
    (tmp_path / "cursoconv").mkdir()
    (tmp_path / "cursoconv" / "__init__.py").write_text("")
    (tmp_path / "cursoconv" / "formato.py").write_text("def decimal(v):\n    return str(v)\n")
    (tmp_path / "cursoconv" / "conv.py").write_text("from .formato import decimal\n")
    (tmp_path / "cursoconv" / "utils.py").write_text("from . import conv\nfrom .formato import decimal\n")
    arestas = grafo(tmp_path, ("cursoconv",))
    assert circulos(arestas) == [] and sobem(arestas) == [] and niveis(arestas) == 3
    assert privados_entre_arquivos(tmp_path, ("cursoconv",)) == [] and getattr_de_modulo(tmp_path, ("cursoconv",)) == []


if __name__ == "__main__":
    alvo = Path(sys.argv[1]) if len(sys.argv) > 1 else RAIZ
    print(numeros(alvo))
    contagem = linhas_por_arquivo(alvo, ("cursoconv",))
    codigo = {a: linhas_de_codigo((alvo / a).read_text(encoding="utf-8")) for a in contagem}
    for titulo, medida in (("linhas", contagem), ("linhas de código (sem docstrings, comentários, brancos)", codigo)):
        print(titulo, {grupo: sum(n for a, n in medida.items() if papel(".".join(Path(a).with_suffix("").parts)
                                                                        .removesuffix(".__init__")) == grupo)
                       for grupo in PAPEIS})
    ferramentas = [(alvo / a).read_text(encoding="utf-8") for a in linhas_por_arquivo(alvo, ("ferramentas",))]
    print("ferramentas/: linhas", sum(len(t.splitlines()) for t in ferramentas),
          "linhas de código", sum(linhas_de_codigo(t) for t in ferramentas))
