"""A conversão do MyST de uma lição (que só o site entende) em Markdown e HTML que o Jupyter, o Colab
e o VS Code mostram, para as edições de ``ferramentas.edicoes``:

- exercícios viram títulos "Exercício N" com os mesmos números do site (o
  sphinx-exercise numera em sequência pelo livro, na ordem do ``_toc.yml``);
- soluções ficam num bloco ``<details>`` (clique para abrir);
- ``{cite:t}`` e ``{cite:p}`` viram "LeCun et al. (1998)" e "(LeCun et al., 1998)",
  com link para a bibliografia do site publicado;
- ``{doc}``, ``{ref}``, ``{numref}`` e links para ``.md``/``.ipynb`` apontam para
  as páginas do site publicado (``repositorio.url_site()``);
- notas e outros avisos viram citações em bloco; figuras, HTML com endereço
  absoluto (as imagens do repositório vêm do raw.githubusercontent.com).

As diretivas e os blocos de código, quem separa é ``myst.blocos``; os papéis
(``{doc}`...```) e os links são trocados linha a linha no texto comum.
"""
import posixpath
import re

from ferramentas import myst, repositorio

TITULOS = {"note": "Nota", "tip": "Dica", "hint": "Dica", "warning": "Atenção", "attention": "Atenção",
           "important": "Importante", "caution": "Cuidado", "danger": "Perigo", "error": "Erro",
           "seealso": "Veja também", "admonition": "", "margin": "", "sidebar": "", "epigraph": "",
           "topic": ""}
PAPEL = re.compile(r"\{(?P<papel>[\w:-]+)\}`(?P<alvo>[^`]*)`")
LINK = re.compile(r"(?P<img>!?)\[(?P<texto>[^\]]*)\]\((?P<alvo>[^)\s]+)(?P<titulo>\s+\"[^\"]*\")?\)")
HTML_SRC = re.compile(r"(?P<attr>src|href)=\"(?P<alvo>[^\"]+)\"")


class Contexto:
    """O que a conversão de uma lição precisa saber do livro inteiro."""

    def __init__(self):
        self.exercicios = {e.rotulo: e for e in myst.exercicios() if e.rotulo}
        self.bib = myst.bibliografia()
        self.alvos = self._alvos()

    def _alvos(self):
        """Rótulo → (página, texto) dos alvos de {ref}: exercícios e ``(rotulo)=``."""
        alvos = {r: (f"lessons/{e.licao}", f"Exercício {e.numero}") for r, e in self.exercicios.items()}
        for pagina in repositorio.paginas_do_toc():
            caminho = repositorio.RAIZ / f"{pagina}.ipynb"
            if caminho.is_file():
                textos = [c.source for c in repositorio.ler_licao(caminho).cells if c.cell_type == "markdown"]
            elif (repositorio.RAIZ / f"{pagina}.md").is_file():
                textos = [(repositorio.RAIZ / f"{pagina}.md").read_text(encoding="utf-8")]
            else:
                continue
            for texto in textos:
                alvos.update((rotulo, (pagina, titulo)) for rotulo, titulo in myst.titulos_com_alvo(texto))
                for d in myst.diretivas(texto):
                    rotulo = d.opcoes.get("name") or (d.opcoes.get("label") if d.nome != "exercise" else None)
                    if rotulo:
                        alvos.setdefault(rotulo, (pagina, d.arg or rotulo))
        return alvos


def url_raw(caminho):
    dono, nome = repositorio.dono_e_nome()
    return f"https://raw.githubusercontent.com/{dono}/{nome}/{repositorio.versao()}/{caminho}"


def _alvo_publicado(alvo, pasta, imagem=False):
    """Endereço publicado de um link relativo de uma página em ``pasta`` (``"lessons"``)."""
    if re.match(r"^[a-z][\w+.-]*:|^#|^data:", alvo):
        return alvo
    caminho, _, ancora = alvo.partition("#")
    caminho = posixpath.normpath(f"/{pasta}/{caminho}").lstrip("/")  # a raiz de "/" é o repositório
    if imagem or not re.search(r"\.(md|ipynb)$", caminho):
        return url_raw(caminho) + (f"#{ancora}" if ancora else "")
    pagina = re.sub(r"\.(md|ipynb)$", "", caminho)
    if pagina not in repositorio.paginas_do_toc():
        raise SystemExit(f"link para {alvo}: a página {pagina} não está no _toc.yml (não será publicada).")
    return repositorio.url_pagina(pagina, ancora or None)


def _citar(chaves, papel, ctx):
    partes = []
    for chave in [c.strip() for c in chaves.split(",") if c.strip()]:
        if chave not in ctx.bib:
            raise SystemExit(f"{{cite}}`{chave}`: a chave não está em references.bib.")
        sobrenomes, ano = ctx.bib[chave]
        partes.append((myst.autores(sobrenomes), ano))
    url = repositorio.url_pagina("bibliografia")
    if papel == "cite:p":
        return "(" + "; ".join(f"[{a}, {ano}]({url})" for a, ano in partes) + ")"
    return "; ".join(f"[{a} ({ano})]({url})" for a, ano in partes)


def _papel(m, ctx, pasta):
    papel, alvo = m["papel"], m["alvo"]
    texto, _, entre = alvo.partition("<")
    explicito = bool(entre)
    if explicito:
        alvo, texto = entre.rstrip(">").strip(), texto.strip()
    if papel.startswith("cite"):
        return _citar(alvo, "cite:p" if papel in ("cite:p", "cite") else "cite:t", ctx)
    if papel == "doc":
        pagina = alvo if alvo.startswith("/") else f"{pasta}/{alvo}"
        return f"[{texto or alvo}]({_alvo_publicado(pagina.lstrip('/') + '.md', '')})"
    if papel in ("ref", "numref"):
        if alvo not in ctx.alvos:
            raise SystemExit(f"{{{papel}}}`{alvo}`: rótulo desconhecido.")
        pagina, padrao = ctx.alvos[alvo]
        if not explicito:
            texto = padrao
        texto = texto.replace("%s", padrao.split()[-1]).replace("{number}", padrao.split()[-1])
        return f"[{texto}]({repositorio.url_pagina(pagina, alvo)})"
    if papel == "math":
        return f"${alvo}$"
    if papel in ("eq",):
        return f"({alvo})"
    return texto.strip() if explicito else alvo  # {term}, {abbr}, {sub}... só o texto


def _linhas_de_texto(texto, ctx, pasta):
    """Papéis, links relativos e alvos ``(rotulo)=`` de um trecho de texto comum (sem código)."""
    saida = []
    for linha in texto.split("\n"):
        alvo = re.fullmatch(r"\((?P<rotulo>[\w-]+)\)=\s*", linha)
        if alvo:
            saida.append(f'<a id="{alvo["rotulo"]}"></a>')
            continue
        if re.match(r"^%", linha):  # comentário do MyST
            continue
        if linha.strip() == "+++":
            continue
        linha = PAPEL.sub(lambda m: _papel(m, ctx, pasta), linha)
        linha = LINK.sub(lambda m: (f"{m['img']}[{m['texto']}]("
                                    f"{_alvo_publicado(m['alvo'], pasta, bool(m['img']))}{m['titulo'] or ''})"),
                         linha)
        linha = HTML_SRC.sub(lambda m: f'{m["attr"]}="{_alvo_publicado(m["alvo"], pasta, m["attr"] == "src")}"',
                             linha)
        linha = re.sub(r"^(\$\$.*\$\$)\s*\([\w-]+\)\s*$", r"\1", linha)  # $$ ... $$ (rótulo)
        saida.append(linha)
    return "\n".join(saida)


def _citacao_em_bloco(texto):
    return "\n".join(f"> {l}" if l.strip() else ">" for l in texto.strip("\n").split("\n"))


def converter(texto, ctx, pasta, aluno):
    """Reescreve o MyST de uma célula de texto; ``aluno`` tira as soluções."""
    return converter_blocos(myst.blocos(texto), ctx, pasta, aluno)


def converter_blocos(blocos, ctx, pasta, aluno):
    """O mesmo que :func:`converter`, para os pedaços que ``myst.blocos`` separou."""
    saida = []
    for b in blocos:
        if isinstance(b, str):
            saida.append(_linhas_de_texto(b, ctx, pasta))
        elif isinstance(b, tuple):
            saida.append("\n".join(b[1]))
        else:
            saida.append(_diretiva(b, ctx, pasta, aluno))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(saida)).strip("\n")


def _diretiva(d, ctx, pasta, aluno):
    corpo = lambda: converter(d.corpo, ctx, pasta, aluno)  # noqa: E731
    if d.nome == "exercise":
        ex = ctx.exercicios.get(d.opcoes.get("label", ""))
        numero = f" {ex.numero}" if ex and ex.numero else ""
        titulo = f" — {d.arg}" if d.arg else ""
        ancora = f'<a id="{ex.rotulo}"></a>\n\n' if ex else ""
        return f"\n{ancora}#### Exercício{numero}{titulo}\n\n{corpo()}\n"
    if d.nome == "solution":
        if aluno:
            return ""
        ex = ctx.exercicios.get(d.arg.split()[0] if d.arg else "")
        nome = f"Solução do exercício {ex.numero}" if ex and ex.numero else "Solução"
        return f"\n<details>\n<summary><strong>{nome}</strong> (clique para abrir)</summary>\n\n{corpo()}\n\n</details>\n"
    if d.nome in ("figure", "image"):
        src = _alvo_publicado(d.arg, pasta, imagem=True)
        alt = d.opcoes.get("alt", "").replace('"', "&quot;")
        largura = f' width="{d.opcoes["width"]}"' if "width" in d.opcoes else ""
        img = f'<img src="{src}" alt="{alt}"{largura}>'
        if d.nome == "image" or not d.corpo.strip():
            return f"\n<p align=\"center\">{img}</p>\n"
        return f"\n<p align=\"center\">{img}</p>\n\n<p align=\"center\"><em>{corpo()}</em></p>\n"
    if d.nome == "math":
        return f"\n$$\n{d.corpo.strip()}\n$$\n"
    if d.nome in ("code-block", "code", "code-cell", "sourcecode"):
        return f"```{d.arg}\n{d.corpo}\n```"
    if d.nome in TITULOS:
        titulo = d.arg if d.nome == "admonition" else TITULOS[d.nome]
        if d.nome != "admonition" and d.arg:
            corpo_ = f"{d.arg}\n{d.corpo}"
            texto = converter(corpo_, ctx, pasta, aluno)
        else:
            texto = corpo()
        cabeca = f"**{titulo}.** " if titulo else ""
        return "\n" + _citacao_em_bloco(cabeca + texto) + "\n"
    if d.nome in ("bibliography", "tableofcontents", "toctree", "raw"):
        return ""
    return "\n" + corpo() + "\n"
