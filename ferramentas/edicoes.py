"""Gera as duas edições de cada lição, que ficam no repositório (o Colab as abre de lá).

    python -m ferramentas.edicoes              # refaz edicoes/colab/ e edicoes/aluno/
    python -m ferramentas.edicoes --verificar  # só confere se estão em dia (usado nos testes)

``make edicoes`` faz o mesmo num ambiente pequeno (sem PyTorch nem jupyter-book). As
lições em ``lessons/`` continuam a única fonte: nunca edite as edições à mão.

**Edição Colab** (``edicoes/colab/NN-nome.ipynb``): a lição como o estudante a
roda, com as saídas, e com todo o MyST (que só o site entende) reescrito em
Markdown e HTML que o Jupyter, o Colab e o VS Code mostram (``ferramentas.conversao``).

**Edição do aluno** (``edicoes/aluno/NN-nome.ipynb``): a mesma, sem as soluções
(blocos ``{solution}``, o que fica entre ``{solution-start}`` e
``{solution-end}``, e o código das células com a etiqueta ``solucao``, que vira
uma célula com só um comentário) e sem saídas, com um aviso abaixo do título.

Cada edição tem o seu selo "Abrir no Colab", que abre ela mesma; o botão do
Colab do site abre a edição Colab (``ferramentas/site_colab.py``).
"""
import argparse
import re
import sys

import nbformat

from ferramentas import myst, repositorio
from ferramentas.conversao import Contexto, converter_blocos
from ferramentas.cabecalho import MARCA_SELO, linha_selo

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
    nb = repositorio.ler_licao(licao)  # lida do disco: mudá-la não muda a lição
    pasta = "lessons"
    destino = (repositorio.EDICAO_ALUNO if aluno else repositorio.EDICAO_COLAB) / licao.name
    celulas, portao = [], False
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
        saida, trecho = [], []
        for b in myst.blocos(texto) + [None]:
            marca = isinstance(b, myst.Diretiva) and b.nome in ("solution-start", "solution-end")
            if b is not None and not marca:
                trecho.append(b)
                continue
            if trecho and not (aluno and portao):
                saida.append(converter_blocos(trecho, ctx, pasta, aluno))
            trecho = []
            if marca:  # o início ou o fim de uma solução com portão
                portao = b.nome == "solution-start"
                ex = ctx.exercicios.get(b.arg.split()[0] if portao and b.arg else "")
                if not aluno and portao:
                    saida.append(f"**Solução do exercício {ex.numero}:**" if ex and ex.numero else "**Solução:**")
                elif not aluno:
                    saida.append("*(fim da solução)*")
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
    selo = linha_selo(repositorio.url_colab(repositorio.relativo(destino)))
    celulas[0].source = f"{titulo}\n{selo}{aviso}\n{resto}".rstrip("\n")
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
