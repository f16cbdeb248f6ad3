"""Gera as duas edições de cada lição, que ficam no repositório (o Colab as abre de lá).

    python -m ferramentas.edicoes              # refaz edicoes/colab/ e edicoes/aluno/
    python -m ferramentas.edicoes --verificar  # só confere se estão em dia (usado nos testes)

``make edicoes`` faz o mesmo num ambiente pequeno (sem PyTorch nem jupyter-book). As
lições em ``lessons/`` continuam a única fonte: nunca edite as edições à mão.

**Edição Colab** (``edicoes/colab/NN-nome.ipynb``): a lição como o estudante a
roda, com as saídas, e com todo o MyST (que só o site entende) reescrito em
Markdown e HTML que o Jupyter, o Colab e o VS Code mostram:

- exercícios viram títulos "Exercício N" com os mesmos números do site (o
  sphinx-exercise numera em sequência pelo livro, na ordem do ``_toc.yml``);
- soluções ficam num bloco ``<details>`` (clique para abrir);
- ``{cite:t}`` e ``{cite:p}`` viram "LeCun et al. (1998)" e "(LeCun et al., 1998)",
  com link para a bibliografia do site publicado;
- ``{doc}``, ``{ref}``, ``{numref}`` e links para ``.md``/``.ipynb`` apontam para
  as páginas do site publicado (``repositorio.url_site()``);
- notas e outros avisos viram citações em bloco; figuras, HTML com endereço
  absoluto (as imagens do repositório vêm do raw.githubusercontent.com).

**Edição do aluno** (``edicoes/aluno/NN-nome.ipynb``): a mesma, sem as soluções
(blocos ``{solution}``, o que fica entre ``{solution-start}`` e
``{solution-end}``, e o código das células com a etiqueta ``solucao``, que vira
uma célula com só um comentário) e sem saídas, com um aviso abaixo do título.

Cada edição tem o seu selo "Abrir no Colab", que abre ela mesma; o botão do
Colab do site abre a edição Colab (``ferramentas/site_colab.py``).
"""
import argparse
import copy
import re
import sys

import nbformat

from ferramentas import myst, repositorio
from ferramentas.sincronizar import MARCA_SELO, linha_selo

ETIQUETA_SOLUCAO = "solucao"
LUGAR_DA_RESPOSTA = "# Escreva aqui a sua solução do exercício."
LUGAR_DO_TEXTO = "*Escreva aqui a sua resposta (clique duas vezes nesta célula para editá-la).*"
AVISO = ("*Versão para o aluno: sem as soluções dos exercícios e sem as saídas. "
         "Rode as células na ordem, a começar pela de preparação.*")
# A célula de identificação, logo abaixo do título: a correção lê NOME e MATRICULA (make corrigir).
IDENTIFICACAO = """\
# Identificação: escreva o seu nome e a sua matrícula entre as aspas (a correção lê estas duas linhas).
NOME = ""
MATRICULA = ""
"""
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
                for m in re.finditer(r"^\((?P<rotulo>[\w-]+)\)=\s*\n#+\s*(?P<titulo>.+)$", texto, re.M):
                    alvos[m["rotulo"]] = (pagina, m["titulo"].strip())
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
    partes = [p for p in f"{pasta}/{caminho}".split("/") if p and p != "."]
    normal = []
    for p in partes:
        if p == "..":
            if normal:
                normal.pop()
        else:
            normal.append(p)
    caminho = "/".join(normal)
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
    saida = []
    for b in myst.blocos(texto):
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


def lugar_da_resposta(solucao):
    """A célula que o aluno recebe no lugar de uma célula ``solucao``.

    Os nomes que a solução define continuam definidos (funções que levantam
    ``NotImplementedError``, variáveis ``None``), para que a célula de verificação
    diga "ainda não respondido" e a lição rode até o fim sem a resposta.
    """
    import ast
    linhas = [LUGAR_DA_RESPOSTA]
    try:
        arvore = ast.parse(solucao)
    except SyntaxError:
        return LUGAR_DA_RESPOSTA
    for no in arvore.body:
        if isinstance(no, (ast.FunctionDef, ast.AsyncFunctionDef)):
            linhas += [f"def {no.name}({ast.unparse(no.args)}):",
                       "    raise NotImplementedError(\"complete esta função\")"]
        elif isinstance(no, (ast.Assign, ast.AnnAssign)):
            alvos = no.targets if isinstance(no, ast.Assign) else [no.target]
            for alvo in alvos:
                nomes = [n.id for n in ast.walk(alvo) if isinstance(n, ast.Name)]
                if nomes and all(isinstance(n, (ast.Name, ast.Tuple, ast.List)) for n in ast.walk(alvo)
                                 if not isinstance(n, ast.expr_context)):
                    linhas.append(f"{', '.join(nomes)} = {', '.join(['None'] * len(nomes))}  # troque None")
    return "\n".join(linhas)


def _selo(caminho):
    return linha_selo(repositorio.url_colab(caminho))


def _verifica(celula, ex):
    """A célula de código chama o verificador do exercício ``ex``?"""
    return ex.rotulo in celula.source or any(f"{nome}(" in celula.source for nome in ex.verificadores)


def _marcar_resposta(celula, rotulo, escrita=False):
    celula.metadata["cursoconv"] = {"resposta": rotulo, **({"escrita": True} if escrita else {})}


class _Respostas:
    """Acha as células de resposta da edição do aluno e acrescenta as das respostas escritas.

    Célula de resposta (a que a correção tira da entrega; todas as outras vêm do
    curso) é: a de identificação; uma célula de código ``solucao``; uma de
    código entre o enunciado de um exercício automático e a sua célula de
    verificação; e, para cada exercício corrigido por leitura, uma célula de
    texto nova, logo depois dos enunciados e das suas células de código. Quando
    uma célula de texto enuncia vários exercícios (a lição 4), cada célula de
    resposta vem abaixo de um título que diz de que exercício ela é.
    """

    def __init__(self, ctx):
        self.ctx, self.pendentes, self.escritos, self.varios, self.ultimo = ctx, [], [], False, None

    def enunciados(self, fonte):
        rotulos = [d.opcoes.get("label", "") for d in myst.diretivas(fonte) if d.nome == "exercise"]
        exercicios = [self.ctx.exercicios[r] for r in rotulos if r in self.ctx.exercicios]
        if exercicios:
            self.pendentes = [e for e in exercicios if e.automatico]
            self.escritos += [e for e in exercicios if not e.automatico]
            self.varios, self.ultimo = len(exercicios) > 1, exercicios[-1]

    def titulo(self, ex, escrita=False):
        texto = f"#### Resposta do Exercício {ex.numero}" + (" (escreva na célula abaixo)" if escrita else "")
        return nbformat.v4.new_markdown_cell(texto, id=f"titulo-{'escrita-' if escrita else ''}{ex.rotulo}")

    def codigo(self, celula, solucao):
        """Marca a célula de código, se for de resposta; devolve as células a pôr antes dela."""
        for ex in list(self.pendentes):
            if _verifica(celula, ex):
                self.pendentes.remove(ex)
                return []
        ex = self.pendentes[0] if self.pendentes else (self.ultimo if solucao else None)
        if ex is None:
            return []
        _marcar_resposta(celula, ex.rotulo)
        return [self.titulo(ex)] if self.varios else []

    def texto(self):
        """As células das respostas escritas pendentes (antes da próxima célula de texto)."""
        saida = []
        for ex in self.escritos:
            resposta = nbformat.v4.new_markdown_cell(LUGAR_DO_TEXTO, id=f"resposta-{ex.rotulo}")
            _marcar_resposta(resposta, ex.rotulo, escrita=True)
            saida += [self.titulo(ex, escrita=True), resposta]
        self.escritos = []
        return saida


def edicao(licao, ctx, aluno):
    """A edição Colab (``aluno=False``) ou do aluno (``aluno=True``) da lição ``licao``."""
    original = repositorio.ler_licao(licao)
    nb = copy.deepcopy(original)
    pasta = "lessons"
    destino = (repositorio.EDICAO_ALUNO if aluno else repositorio.EDICAO_COLAB) / licao.name
    celulas, portao, numero_portao = [], False, None
    respostas = _Respostas(ctx)
    for celula in nb.cells:
        celula.metadata.pop("execution", None)
        if celula.cell_type == "code":
            if aluno:
                celula.outputs, celula.execution_count = [], None
                if portao:
                    continue
                solucao = ETIQUETA_SOLUCAO in celula.metadata.get("tags", [])
                if solucao:
                    celula.source = lugar_da_resposta(celula.source)
                    celula.metadata["tags"] = [t for t in celula.metadata["tags"] if t != ETIQUETA_SOLUCAO]
                    if not celula.metadata["tags"]:
                        del celula.metadata["tags"]
                celulas += respostas.codigo(celula, solucao)
            celulas.append(celula)
            continue
        if celula.cell_type != "markdown":
            if not (aluno and portao):
                celulas.append(celula)
            continue
        texto = "\n".join(l for l in celula.source.split("\n") if not l.startswith(MARCA_SELO))
        partes, saida = re.split(r"^([ \t]*(?:`{3,}|:{3,})\{solution-(?:start|end)\}[^\n]*\n(?:[ \t]*:[\w-]+:.*\n)*"
                                 r"[ \t]*(?:`{3,}|:{3,})[ \t]*$)", texto, flags=re.M), []
        for i, parte in enumerate(partes):
            if i % 2:  # a marca de início ou de fim de uma solução com portão
                inicio = "solution-start" in parte
                if inicio:
                    rotulo = re.search(r"\{solution-start\}\s*(\S+)", parte)
                    ex = ctx.exercicios.get(rotulo[1] if rotulo else "")
                    numero_portao = ex.numero if ex else None
                    if not aluno:
                        saida.append(f"**Solução do exercício {numero_portao}:**" if numero_portao
                                     else "**Solução:**")
                elif not aluno:
                    saida.append("*(fim da solução)*")
                portao = inicio
                continue
            if aluno and portao:
                continue
            saida.append(converter(parte, ctx, pasta, aluno))
        texto = re.sub(r"\n{3,}", "\n\n", "\n\n".join(s for s in saida if s.strip())).strip("\n")
        if not texto.strip():
            continue
        if aluno:
            celulas += respostas.texto()
            respostas.enunciados(celula.source)
        celula.source = texto
        celulas.append(celula)
    if portao:
        raise SystemExit(f"{licao.name}: um {{solution-start}} ficou sem o {{solution-end}} correspondente.")
    if aluno:
        celulas += respostas.texto()
    titulo, _, resto = celulas[0].source.partition("\n")
    # O aviso é um parágrafo à parte: colado ao selo (um bloco HTML), os asteriscos ficariam literais.
    aviso = f"\n\n{AVISO}" if aluno else ""
    celulas[0].source = f"{titulo}\n{_selo(repositorio.relativo(destino))}{aviso}\n{resto}".rstrip("\n")
    if aluno:
        identificacao = nbformat.v4.new_code_cell(IDENTIFICACAO.rstrip("\n"), id="identificacao")
        _marcar_resposta(identificacao, "identificacao")
        celulas.insert(1, identificacao)
    nb.cells = celulas
    nb.metadata.pop("widgets", None)
    nb.metadata["cursoconv"] = {"licao": licao.stem, "edicao": "aluno" if aluno else "colab",
                                "gerado_por": "python -m ferramentas.edicoes (não edite à mão)"}
    nbformat.validate(nb)
    return destino, nb


def todas():
    """Gera ``(destino, texto)`` de todas as edições de todas as lições."""
    ctx = Contexto()
    for licao in repositorio.licoes():
        for aluno in (False, True):
            destino, nb = edicao(licao, ctx, aluno)
            yield destino, nbformat.writes(nb) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verificar", action="store_true", help="só confere se as edições estão em dia")
    args = parser.parse_args(argv)
    esperadas = dict(todas())
    fora = []
    for pasta in (repositorio.EDICAO_COLAB, repositorio.EDICAO_ALUNO):
        for velha in sorted(pasta.glob("*.ipynb")) if pasta.is_dir() else []:
            if velha not in esperadas:
                fora.append(repositorio.relativo(velha))
                if not args.verificar:
                    velha.unlink()
    for destino, texto in esperadas.items():
        if not destino.is_file() or destino.read_text(encoding="utf-8") != texto:
            fora.append(destino.relative_to(repositorio.RAIZ).as_posix())
            if not args.verificar:
                destino.parent.mkdir(parents=True, exist_ok=True)
                destino.write_text(texto, encoding="utf-8")
    if args.verificar and fora:
        print("Edições desatualizadas (rode make edicoes): " + ", ".join(fora))
        return 1
    print(f"{len(esperadas)} edições em dia" + (f"; refeitas: {', '.join(fora)}" if fora else "."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
