"""Leitura do MyST das lições: diretivas, exercícios, soluções e citações.

Só o que as edições (``ferramentas.edicoes``), a página dos instrutores
(``ferramentas.sincronizar``) e a correção (o pacote ``correcao``) precisam:

- :func:`blocos` separa um texto em Markdown em pedaços de texto comum, blocos
  de código e diretivas (``:::{nome} argumento`` ... ``:::`` ou com crases),
  com as opções (``:label: ...``) e o corpo de cada diretiva;
- :func:`exercicios` lista os exercícios do livro, na ordem do ``_toc.yml``,
  com o número que o site mostra ("4.2": lição 04, 2º exercício dela; a
  extensão do site numera igual), o enunciado, a solução, os critérios de correção e se há um
  verificador automático;
- :func:`bibliografia` lê o ``references.bib`` (autores e ano de cada entrada).
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

from ferramentas import repositorio

ABERTURA = re.compile(r"^(?P<recuo>[ \t]*)(?P<cerca>:{3,}|`{3,}|~{3,})(?P<resto>.*)$")
DIRETIVA = re.compile(r"^\{(?P<nome>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
OPCAO = re.compile(r"^[ \t]*:(?P<chave>[\w-]+):[ \t]*(?P<valor>.*)$")
CRITERIOS = "**Critérios de correção:**"
VERIFICADOR = re.compile(r"verificador\(\s*[\"'](?P<rotulo>ex-[\w-]+)[\"']")


@dataclass
class Diretiva:
    nome: str
    arg: str
    opcoes: dict
    corpo: str
    cerca: str


def _fecha(linha, cerca):
    c = linha.strip()
    return bool(c) and set(c) == {cerca[0]} and len(c) >= len(cerca)


def blocos(texto):
    """Divide ``texto`` em ``str`` (texto comum), ``("codigo", linhas)`` e :class:`Diretiva`."""
    linhas = texto.split("\n")
    saida, comum, i = [], [], 0
    while i < len(linhas):
        m = ABERTURA.match(linhas[i])
        if not m:
            comum.append(linhas[i])
            i += 1
            continue
        cerca, resto = m["cerca"], m["resto"].strip()
        if cerca[0] == "`" and "`" in resto:  # não é cerca (crases no meio da linha)
            comum.append(linhas[i])
            i += 1
            continue
        j = i + 1
        while j < len(linhas) and not _fecha(linhas[j], cerca):
            j += 1
        corpo = linhas[i + 1:j]
        if comum:
            saida.append("\n".join(comum))
            comum = []
        d = DIRETIVA.match(resto)
        if d:
            opcoes = {}
            while corpo and OPCAO.match(corpo[0]):
                o = OPCAO.match(corpo.pop(0))
                opcoes[o["chave"]] = o["valor"].strip()
            if corpo and corpo[0].strip() == "---":  # opções em YAML entre "---"
                fim = next((k for k in range(1, len(corpo)) if corpo[k].strip() == "---"), None)
                if fim:
                    for o in corpo[1:fim]:
                        if ":" in o:
                            chave, valor = o.split(":", 1)
                            opcoes[chave.strip()] = valor.strip()
                    corpo = corpo[fim + 1:]
            saida.append(Diretiva(d["nome"], d["arg"].strip(), opcoes, "\n".join(corpo), cerca))
        else:
            saida.append(("codigo", linhas[i:j + 1]))
        i = j + 1
    if comum:
        saida.append("\n".join(comum))
    return saida


def criterios(texto):
    """O parágrafo que começa com ``**Critérios de correção:**`` (sem o rótulo), ou ``""``."""
    for paragrafo in re.split(r"\n[ \t]*\n", texto):
        p = paragrafo.strip()
        if p.startswith(CRITERIOS):
            return p[len(CRITERIOS):].strip()
    return ""


@dataclass
class Exercicio:
    rotulo: str
    numero: str         # "4.2" (lição 04, 2º exercício), ou None se sem número
    licao: str          # "01-a-operacao-de-convolucao"
    enunciado: str
    titulo: str = ""
    solucao: str = ""
    criterios: str = ""
    automatico: bool = False
    verificadores: list = field(default_factory=list)


def diretivas(texto):
    for b in blocos(texto):
        if isinstance(b, Diretiva):
            yield b
            yield from diretivas(b.corpo)


def rotulos_com_verificador():
    """Rótulos que têm um verificador (``verificador("ex-...")`` no cursoconv ou numa lição).

    Lê o código-fonte, sem importar o cursoconv (que precisa do PyTorch).
    Devolve rótulo → nomes das funções verificadoras (para achar a célula que as chama).
    """
    achados = {}
    fontes = [p.read_text(encoding="utf-8") for p in sorted((repositorio.RAIZ / "cursoconv").rglob("*.py"))]
    for licao in repositorio.licoes():
        nb = repositorio.ler_licao(licao)
        fontes += [c.source for c in nb.cells if c.cell_type == "code"]
    for fonte in fontes:
        for m in VERIFICADOR.finditer(fonte):
            depois = fonte[m.end():m.end() + 400]
            nome = re.search(r"\n\s*def (\w+)\(", depois)
            achados.setdefault(m["rotulo"], [])
            if nome:
                achados[m["rotulo"]].append(nome.group(1))
    return achados


def numero_da_licao(licao):
    """O número da lição pelo nome do arquivo: ``04-agrupamento`` → 4."""
    m = re.match(r"(\d+)-", Path(licao).stem)
    if not m:
        raise SystemExit(f"{licao}: o nome de uma lição começa pelo número dela (NN-nome.ipynb).")
    return int(m[1])


def exercicios():
    """Os exercícios do livro, na ordem do ``_toc.yml``, numerados como no site ("4.2")."""
    lista, por_rotulo = [], {}
    com_verificador = rotulos_com_verificador()
    for licao in repositorio.licoes():
        nb = repositorio.ler_licao(licao)
        numero_licao, n = numero_da_licao(licao), 0
        for celula in nb.cells:
            if celula.cell_type != "markdown":
                continue
            for d in diretivas(celula.source):
                if d.nome == "exercise":
                    rotulo = d.opcoes.get("label", "")
                    numero = None if "nonumber" in d.opcoes else f"{numero_licao}.{(n := n + 1)}"
                    ex = Exercicio(rotulo, numero, licao.stem, d.corpo.strip(), d.arg)
                    ex.automatico = rotulo in com_verificador
                    ex.verificadores = com_verificador.get(rotulo, [])
                    lista.append(ex)
                    if rotulo:
                        por_rotulo[rotulo] = ex
                elif d.nome in ("solution", "solution-start") and d.arg.split()[:1]:
                    ex = por_rotulo.get(d.arg.split()[0])
                    if ex:
                        ex.solucao = d.corpo.strip()
                        ex.criterios = criterios(d.corpo)
    return lista


_ACENTOS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", '"': "\u0308", "c": "\u0327"}


def _latex_para_texto(texto):
    import unicodedata
    texto = re.sub(r"\{?\\([`'^~\"c])\{?(\w)\}?\}?",
                   lambda m: unicodedata.normalize("NFC", m[2] + _ACENTOS[m[1]]), texto)
    return texto.replace("{", "").replace("}", "").strip()


def bibliografia():
    """Chave → ``(sobrenomes dos autores, ano)``, lidos do ``references.bib``."""
    texto = repositorio.BIBTEX.read_text(encoding="utf-8")
    entradas = {}
    for m in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", texto, re.S):
        chave, corpo = m[1], m[2]
        autor = re.search(r"\bauthor\s*=\s*\{(.*?)\}\s*,?\s*\n", corpo, re.S)
        ano = re.search(r"\byear\s*=\s*\{?(\d{4})", corpo)
        sobrenomes = []
        for pessoa in re.split(r"\s+and\s+", autor[1] if autor else ""):
            pessoa = _latex_para_texto(pessoa)
            sobrenomes.append(pessoa.split(",")[0].strip() if "," in pessoa else pessoa.split()[-1])
        entradas[chave] = ([s for s in sobrenomes if s], ano[1] if ano else "s.d.")
    return entradas


def autores(sobrenomes):
    """Como o site escreve os autores: "Xiao", "Dumoulin e Visin", "LeCun et al."."""
    if len(sobrenomes) >= 3:
        return f"{sobrenomes[0]} et al."
    return " e ".join(sobrenomes) or "?"
