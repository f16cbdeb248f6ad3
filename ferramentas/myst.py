"""Leitura do MyST das lições: diretivas, exercícios, soluções e citações.

Só o que as edições (``ferramentas.edicoes``), a página dos instrutores
(``ferramentas.sincronizar``) e a correção (o pacote ``correcao``) precisam:

- :func:`blocos` separa um texto em Markdown em pedaços de texto comum, blocos
  de código e diretivas (``:::{nome} argumento`` ... ``:::`` ou com crases),
  com as opções (``:label: ...``) e o corpo de cada diretiva; as cercas, quem
  acha é o markdown-it-py (com a extensão ``colon_fence`` do mdit-py-plugins);
- :func:`exercicios` lista os exercícios do livro, na ordem do ``_toc.yml``,
  com o número que o site mostra ("4.2": lição 04, 2º exercício dela; a
  extensão do site numera igual), o enunciado, a solução, os critérios de correção e se há um
  verificador automático;
- :func:`bibliografia` lê o ``references.bib`` com o pybtex (autores e ano de cada entrada).
"""
import re
from dataclasses import dataclass, field

import pybtex.database
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from pybtex.richtext import Text

from ferramentas import repositorio

#: O leitor de Markdown do MyST (CommonMark com as cercas de dois-pontos ``:::`` e os alvos
#: ``(rotulo)=``), para achar as cercas e os alvos: o que fica entre as cercas e o texto comum são
#: lidos como estão, linha a linha.
LEITOR = MarkdownIt("commonmark").use(colon_fence_plugin).use(myst_block_plugin)
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


def _opcoes(corpo):
    """Tira do começo de ``corpo`` (lista de linhas) as opções ``:chave: valor`` ou o bloco ``---``."""
    opcoes = {}
    while corpo and OPCAO.match(corpo[0]):
        o = OPCAO.match(corpo.pop(0))
        opcoes[o["chave"]] = o["valor"].strip()
    if corpo and corpo[0].strip() == "---":  # opções em YAML entre "---"
        fim = next((k for k in range(1, len(corpo)) if corpo[k].strip() == "---"), None)
        if fim:
            yaml_ = yaml.safe_load("\n".join(corpo[1:fim])) or {}
            opcoes.update((chave, "" if valor is None else str(valor)) for chave, valor in yaml_.items())
            del corpo[:fim + 1]
    return opcoes


def blocos(texto):
    """Divide ``texto`` em ``str`` (texto comum), ``("codigo", linhas)`` e :class:`Diretiva`."""
    linhas = texto.split("\n")
    saida, inicio = [], 0
    for cerca in (t for t in LEITOR.parse(texto) if t.type in ("fence", "colon_fence")):
        i, j = cerca.map
        if inicio < i:
            saida.append("\n".join(linhas[inicio:i]))
        fechada = j - i > 1 and linhas[j - 1].strip().startswith(cerca.markup)
        corpo = linhas[i + 1:j - 1 if fechada else j]
        d = DIRETIVA.match(cerca.info.strip())
        if d:
            opcoes = _opcoes(corpo)
            saida.append(Diretiva(d["nome"], d["arg"].strip(), opcoes, "\n".join(corpo), cerca.markup))
        else:
            saida.append(("codigo", linhas[i:j]))
        inicio = j
    if inicio < len(linhas):
        saida.append("\n".join(linhas[inicio:]))
    return saida


def titulos_com_alvo(texto):
    """``(rotulo, titulo)`` de cada título com um alvo ``(rotulo)=`` logo acima."""
    fichas = LEITOR.parse(texto)
    for alvo, abre, titulo in zip(fichas, fichas[1:], fichas[2:]):
        if alvo.type == "myst_target" and abre.type == "heading_open":
            yield alvo.content, titulo.content


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


def exercicios():
    """Os exercícios do livro, na ordem do ``_toc.yml``, numerados como no site ("4.2")."""
    lista, por_rotulo = [], {}
    com_verificador = rotulos_com_verificador()
    for licao in repositorio.licoes():
        nb = repositorio.ler_licao(licao)
        numero_licao, n = repositorio.numero_da_licao(licao), 0
        if numero_licao is None:
            raise SystemExit(f"{licao}: o nome de uma lição começa pelo número dela (NN-nome.ipynb).")
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


def bibliografia():
    """Chave → ``(sobrenomes dos autores, ano)``, lidos do ``references.bib`` pelo pybtex."""
    entradas = {}
    for chave, entrada in pybtex.database.parse_file(repositorio.BIBTEX).entries.items():
        sobrenomes = [Text.from_latex(" ".join(p.prelast_names + p.last_names)).render_as("text")
                      for p in entrada.persons.get("author", [])]
        entradas[chave] = ([s for s in sobrenomes if s], entrada.fields.get("year", "s.d."))
    return entradas


def autores(sobrenomes):
    """Como o site escreve os autores: "Xiao", "Dumoulin e Visin", "LeCun et al."."""
    if len(sobrenomes) >= 3:
        return f"{sobrenomes[0]} et al."
    return " e ".join(sobrenomes) or "?"
