"""Corrige os notebooks devolvidos pelos alunos e grava a planilha de notas.

    python -m ferramentas.corrigir PASTA [--limite 600] [--limite-celula 120]
    make corrigir ENTREGAS=PASTA

Para cada ``.ipynb`` em ``PASTA`` (com qualquer nome, inclusive em subpastas), a
lição é reconhecida pelo conteúdo (os metadados das edições, ou o título), e o
notebook roda do início ao fim num núcleo novo, no modo rápido
(``CURSO_RAPIDO=1``), com limite de tempo por célula e no total. Cada
verificador do curso (``cursoconv.exercicios.base``) guarda o resultado do seu
exercício; no fim ficam:

- ``PASTA/notas.csv``: uma linha por notebook e uma coluna por exercício
  corrigido automaticamente, com ``correto``, ``errado``, ``sem resposta``,
  ``erro`` ou ``tempo esgotado``;
- ``PASTA/notas.md``: o mesmo, legível, com a mensagem de cada verificador e a
  lista dos exercícios que se corrigem lendo (critérios na página dos instrutores).

**Isolamento: o que é garantido.** Todos os notebooks são lidos antes de qualquer
um rodar, e as notas são gravadas por este processo, não pelos notebooks. Cada
notebook roda sozinho, numa cópia numa pasta temporária (que é também o seu
``HOME``), num processo separado que é morto, com o núcleo e tudo o que ele
abriu, quando passa do limite total; uma célula que passa do limite por célula é
interrompida e as seguintes continuam. Um notebook que levanta exceções continua
a rodar (as células seguintes são corrigidas). A saída guardada de cada notebook
é limitada (``--max-saida``) e os arquivos que o núcleo grava também
(``--max-arquivo``). A rede fica desligada no que depende do Python: variáveis de
proxy apontam para um endereço que recusa conexões, ``pip`` sem índice e
``socket.connect`` recusa endereços que não sejam locais.

**O que não é garantido.** O notebook roda com o seu usuário: código
malicioso que apague arquivos por caminho absoluto, que reative a rede
(bibliotecas em C, ``subprocess``) ou que forje o resultado do verificador não é
impedido. Para turmas em que isso importe, rode a correção num contêiner ou
numa conta sem acesso aos seus arquivos, e leia os notebooks com notas suspeitas.
"""
import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ferramentas import myst, repositorio

ESTADOS = ("correto", "errado", "sem resposta", "erro", "tempo esgotado")  # = cursoconv.exercicios.base.ESTADOS
NUCLEO = "corrigir-cursoconv"
SEM_REDE = "http://127.0.0.1:9"  # porta "discard": conexão recusada na hora

# O núcleo: limita o tamanho dos arquivos que grava, anota o seu pid e morre junto
# com o processo que o abriu (Linux).
LANCADOR = """\
import os, resource, sys
limite = int(os.environ.pop("CORRIGIR_MAX_ARQUIVO", "0"))
if limite:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limite, limite))
pid = os.environ.pop("CORRIGIR_PID", None)
if pid:
    with open(pid, "w") as f:
        f.write(str(os.getpid()))
try:
    import ctypes, signal
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
except Exception:
    pass
sys.argv = ["ipykernel_launcher", "-f", sys.argv[1]]
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""

# Primeira célula, escondida do aluno: grava cada resultado de verificador num
# arquivo fora da pasta do notebook e desliga a rede do Python.
PREAMBULO = """\
def _preparar_correcao(arquivo):
    import ipaddress, json, socket
    from cursoconv.exercicios import base as verificacao
    registrar = verificacao.registrar

    def registrar_e_gravar(*args, **kwargs):
        texto = registrar(*args, **kwargs)
        with open(arquivo, "w", encoding="utf-8") as f:
            json.dump(verificacao.RESULTADOS, f, ensure_ascii=False)
        return texto

    verificacao.registrar = registrar_e_gravar
    conectar = socket.socket.connect

    def so_local(self, endereco):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            try:
                local = ipaddress.ip_address(endereco[0]).is_loopback
            except ValueError:
                local = endereco[0] == "localhost"
            if not local:
                raise OSError("sem rede durante a correção")
        return conectar(self, endereco)

    socket.socket.connect = so_local


_preparar_correcao({arquivo!r})
del _preparar_correcao
"""


@dataclass
class Entrega:
    arquivo: str
    licao: str = ""
    situacao: str = ""
    estados: dict = field(default_factory=dict)     # rótulo → estado
    mensagens: dict = field(default_factory=dict)   # rótulo → mensagem
    segundos: float = 0.0


def reconhecer(nb, licoes):
    """A lição (``"01-a-operacao-de-convolucao"``) de um notebook, pelo conteúdo; ``""`` se nenhuma."""
    marcada = (nb.get("metadata", {}).get("cursoconv") or {}).get("licao")
    if marcada in licoes:
        return marcada
    for celula in nb.get("cells", []):
        if celula.get("cell_type") == "markdown":
            fonte = celula.get("source", "")
            fonte = "".join(fonte) if isinstance(fonte, list) else fonte
            primeira = fonte.lstrip().split("\n")[0].lstrip("# ").strip()
            for licao, titulo in licoes.items():
                if primeira == titulo:
                    return licao
            break
    return ""


def _celula_de_verificacao(nb, exercicio):
    """Índice (no notebook do aluno) da célula que chama o verificador do exercício."""
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code" and (exercicio.rotulo in c.source
                                      or any(f"{nome}(" in c.source for nome in exercicio.verificadores)):
            return i
    return None


def _matar(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def rodar(nb_texto, limite, limite_celula, max_saida, max_arquivo):
    """Roda um notebook isolado; devolve ``(resultados, progresso, estourou, segundos)``."""
    pasta = Path(tempfile.mkdtemp(prefix="corrigir-"))
    privada = Path(tempfile.mkdtemp(prefix="corrigir-privado-"))
    try:
        trabalho = pasta / "trabalho"
        trabalho.mkdir()
        (trabalho / "entrega.ipynb").write_text(nb_texto, encoding="utf-8")
        nucleo = privada / "kernels" / NUCLEO
        nucleo.mkdir(parents=True)
        (nucleo / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-c", LANCADOR, "{connection_file}"],
            "display_name": "Correção do curso", "language": "python"}), encoding="utf-8")
        env = {k: v for k, v in os.environ.items()
               if k not in ("FASHION_MNIST_DIR", "JPY_PARENT_PID") and not k.lower().endswith("_proxy")}
        env.update({
            "CURSO_RAPIDO": "1", "TQDM_DISABLE": "1", "MPLBACKEND": "Agg", "PIP_NO_INDEX": "1",
            "HOME": str(trabalho), "JUPYTER_PATH": str(privada), "IPYTHONDIR": str(privada / "ipython"),
            "http_proxy": SEM_REDE, "https_proxy": SEM_REDE, "HTTP_PROXY": SEM_REDE, "HTTPS_PROXY": SEM_REDE,
            "ALL_PROXY": SEM_REDE, "all_proxy": SEM_REDE, "no_proxy": "", "NO_PROXY": "",
            "CORRIGIR_PID": str(privada / "nucleo.pid"), "CORRIGIR_MAX_ARQUIVO": str(max_arquivo),
            "PYTHONPATH": os.pathsep.join(p for p in [str(repositorio.RAIZ), env.get("PYTHONPATH", "")] if p),
        })
        comando = [sys.executable, "-m", "ferramentas.corrigir", "--um", str(privada),
                   str(trabalho / "entrega.ipynb"), "--limite-celula", str(limite_celula), "--max-saida", str(max_saida)]
        inicio = time.monotonic()
        with open(privada / "registro.txt", "wb") as registro:
            filho = subprocess.Popen(comando, cwd=repositorio.RAIZ, env=env, stdout=registro,
                                     stderr=subprocess.STDOUT, start_new_session=True)
            try:
                filho.wait(timeout=limite)
                estourou = False
            except subprocess.TimeoutExpired:
                estourou = True
            _matar(filho.pid)
            pid = privada / "nucleo.pid"
            if pid.is_file() and pid.read_text().strip().isdigit():
                _matar(int(pid.read_text()))
            filho.wait()
        segundos = time.monotonic() - inicio

        def ler(nome, padrao):
            try:
                return json.loads((privada / nome).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return padrao
        progresso = ler("progresso.json", {"executadas": [], "erros": {}, "fim": False})
        if not progresso.get("fim") and not estourou:
            progresso.setdefault("falha", (privada / "registro.txt").read_text(errors="replace")[-2000:])
        return ler("resultados.json", {}), progresso, estourou, segundos
    finally:
        shutil.rmtree(pasta, ignore_errors=True)
        shutil.rmtree(privada, ignore_errors=True)


def _rodar_um(caminho, privada, limite_celula, max_saida):
    """No processo filho: roda o notebook ``caminho`` e anota o progresso em ``privada``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    privada = Path(privada)
    nb = nbformat.read(caminho, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PREAMBULO.format(arquivo=str(privada / "resultados.json"))))
    progresso = {"executadas": [], "erros": {}, "fim": False}

    def anotar():
        (privada / "progresso.json").write_text(json.dumps(progresso, ensure_ascii=False), encoding="utf-8")

    class Cliente(NotebookClient):
        saida = 0

        def output(self, outs, msg, display_id, cell_index):
            self.saida += len(json.dumps(msg.get("content", {})))
            if self.saida > max_saida:
                return None  # passou do limite: o resto da saída é descartado
            return super().output(outs, msg, display_id, cell_index)

    def executada(cell, cell_index, execute_reply):
        indice = cell_index - 1  # sem o preâmbulo
        if indice >= 0:
            progresso["executadas"].append(indice)
            conteudo = (execute_reply or {}).get("content", {})
            if conteudo.get("status") == "error":
                progresso["erros"][str(indice)] = [conteudo.get("ename", ""), str(conteudo.get("evalue", ""))[:500]]
        anotar()

    cliente = Cliente(nb, timeout=limite_celula, kernel_name=NUCLEO, allow_errors=True,
                      interrupt_on_timeout=True, record_timing=False,
                      error_on_timeout={"ename": "TempoEsgotado",
                                        "evalue": f"a célula passou de {limite_celula} s", "traceback": []},
                      resources={"metadata": {"path": str(Path(caminho).parent)}},
                      on_cell_executed=executada)
    anotar()
    try:
        cliente.execute()
        progresso["fim"] = True
    except DeadKernelError:
        progresso["morreu"] = True
    except Exception as erro:  # o notebook quebrou o próprio cliente: anota e segue
        progresso["falha"] = f"{type(erro).__name__}: {erro}"[:2000]
    anotar()


def _esgotou_antes(nb, i, progresso):
    """Alguma célula entre a verificação anterior e a ``i`` passou do limite de tempo?"""
    for j in range(i - 1, -1, -1):
        erro = progresso["erros"].get(str(j))
        if erro and erro[0] in ("TempoEsgotado", "KeyboardInterrupt"):
            return True
        if j < i - 1 and "verifica" in nb.cells[j].source:  # a verificação do exercício anterior
            return False
    return False


def avaliar(nb, exercicios, resultados, progresso, estourou):
    """Estado e mensagem de cada exercício automático de um notebook já rodado."""
    estados, mensagens = {}, {}
    for ex in exercicios:
        r = resultados.get(ex.rotulo)
        if r and r.get("estado") in ESTADOS:
            estados[ex.rotulo], mensagens[ex.rotulo] = r["estado"], r.get("mensagem", "")
            continue
        i = _celula_de_verificacao(nb, ex)
        erro = progresso["erros"].get(str(i)) if i is not None else None
        if i is None:
            estado, msg = "sem resposta", "a célula de verificação deste exercício não está no notebook."
        elif (erro and erro[0] in ("TempoEsgotado", "KeyboardInterrupt")) or _esgotou_antes(nb, i, progresso):
            estado, msg = "tempo esgotado", "uma célula deste exercício passou do limite de tempo."
        elif erro:
            estado, msg = "erro", f"a célula de verificação deu erro ({erro[0]}: {erro[1]})."
        elif i not in progresso["executadas"]:
            if estourou:
                estado, msg = "tempo esgotado", "o notebook passou do limite de tempo antes desta verificação."
            else:
                estado, msg = "erro", "o notebook parou antes desta verificação (o núcleo morreu ou a correção falhou)."
        else:
            estado, msg = "sem resposta", "a verificação rodou, mas não deu resultado."
        estados[ex.rotulo], mensagens[ex.rotulo] = estado, msg
    return estados, mensagens


def corrigir(pasta, limite=600, limite_celula=120, max_saida=1_000_000, max_arquivo=50_000_000,
             mostrar=lambda texto: print(texto, flush=True)):
    """Corrige todos os notebooks de ``pasta``; grava ``notas.csv`` e ``notas.md``; devolve as entregas."""
    import nbformat
    pasta = Path(pasta)
    if not pasta.is_dir():
        raise SystemExit(f"{pasta}: a pasta das entregas não existe. Use make corrigir ENTREGAS=pasta.")
    todos = myst.exercicios()
    titulos = {l.stem: repositorio.titulo_da_licao(repositorio.ler_licao(l)) for l in repositorio.licoes()}
    automaticos = {l: [e for e in todos if e.licao == l and e.automatico] for l in titulos}
    # Lidos todos antes de qualquer um rodar: um notebook não altera o outro.
    arquivos = sorted(p for p in pasta.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not arquivos:
        raise SystemExit(f"{pasta}: nenhum notebook (.ipynb) para corrigir.")
    textos = {p: p.read_bytes().decode("utf-8", errors="replace") for p in arquivos}
    entregas = []
    for caminho, texto in textos.items():
        entrega = Entrega(caminho.relative_to(pasta).as_posix())
        entregas.append(entrega)
        try:
            nb = nbformat.reads(texto, as_version=4)
        except Exception:
            entrega.situacao = "arquivo ilegível (não é um notebook válido)"
            mostrar(f"{entrega.arquivo}: {entrega.situacao}")
            continue
        entrega.licao = reconhecer(nb, titulos)
        if not entrega.licao:
            entrega.situacao = "lição não reconhecida (o título da primeira célula foi mudado?)"
            mostrar(f"{entrega.arquivo}: {entrega.situacao}")
            continue
        mostrar(f"{entrega.arquivo}: lição {entrega.licao}, rodando...")
        resultados, progresso, estourou, entrega.segundos = rodar(texto, limite, limite_celula, max_saida,
                                                                 max_arquivo)
        entrega.estados, entrega.mensagens = avaliar(nb, automaticos[entrega.licao], resultados,
                                                     progresso, estourou)
        if estourou:
            entrega.situacao = f"tempo esgotado (passou de {limite} s no total)"
        elif progresso.get("fim"):
            erros = progresso["erros"]
            entrega.situacao = "rodou até o fim"
            if erros:
                primeira = min(erros, key=int)
                entrega.situacao += (f" ({len(erros)} células com erro; a primeira, a {int(primeira) + 1}ª célula, "
                                     f"deu {erros[primeira][0]})")
        elif progresso.get("morreu"):
            entrega.situacao = "o núcleo morreu no meio (memória ou arquivo grande demais?)"
        else:
            entrega.situacao = "a correção falhou: " + str(progresso.get("falha", ""))[-300:]
        mostrar(f"  {entrega.situacao}; " + ", ".join(f"{r}: {e}" for r, e in entrega.estados.items()))
    licoes_presentes = [l for l in titulos if any(e.licao == l for e in entregas)]
    colunas = [e for l in licoes_presentes for e in automaticos[l]]
    gravar_csv(pasta / "notas.csv", entregas, colunas)
    gravar_md(pasta / "notas.md", entregas, colunas, todos, titulos, limite, limite_celula)
    mostrar(f"Notas gravadas em {pasta / 'notas.csv'} e {pasta / 'notas.md'}.")
    return entregas


def gravar_csv(destino, entregas, colunas):
    with open(destino, "w", newline="", encoding="utf-8") as f:
        escritor = csv.writer(f)
        escritor.writerow(["arquivo", "licao", "situacao"] + [e.rotulo for e in colunas])
        for en in entregas:
            escritor.writerow([en.arquivo, en.licao, en.situacao] + [en.estados.get(e.rotulo, "") for e in colunas])


def gravar_md(destino, entregas, colunas, todos, titulos, limite, limite_celula):
    linhas = ["# Notas", "",
              f"Gerado por `python -m ferramentas.corrigir` (modo rápido, sem rede, limite de {limite} s por "
              f"notebook e {limite_celula} s por célula). A planilha está em `notas.csv`.", ""]
    for en in entregas:
        linhas += [f"## {en.arquivo}", "", f"- Lição: {titulos.get(en.licao, 'não reconhecida')}",
                   f"- Situação: {en.situacao}", f"- Tempo: {en.segundos:.0f} s", ""]
        if en.estados:
            linhas += ["| exercício | resultado | mensagem do verificador |", "| --- | --- | --- |"]
            for e in colunas:
                if e.rotulo in en.estados:
                    msg = en.mensagens.get(e.rotulo, "").replace("|", "\\|").replace("\n", "<br>")
                    linhas.append(f"| {e.numero} (`{e.rotulo}`) | {en.estados[e.rotulo]} | {msg} |")
            linhas.append("")
        leitura = [e for e in todos if e.licao == en.licao and not e.automatico]
        if leitura:
            linhas += ["Corrija lendo (critérios na página *Para instrutores*): "
                       + ", ".join(f"exercício {e.numero} (`{e.rotulo}`)" for e in leitura) + ".", ""]
    destino.write_text("\n".join(linhas), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pasta", type=Path, help="pasta com os notebooks devolvidos pelos alunos")
    parser.add_argument("--limite", type=int, default=600, help="segundos por notebook (padrão: 600)")
    parser.add_argument("--limite-celula", type=int, default=120, help="segundos por célula (padrão: 120)")
    parser.add_argument("--max-saida", type=int, default=1_000_000,
                        help="bytes de saída guardados por notebook (padrão: 1 MB)")
    parser.add_argument("--max-arquivo", type=int, default=50_000_000,
                        help="tamanho máximo de um arquivo gravado pelo notebook (padrão: 50 MB)")
    parser.add_argument("--um", metavar="PASTA_PRIVADA", help=argparse.SUPPRESS)  # uso interno (processo filho)
    args = parser.parse_args(argv)
    if args.um:
        _rodar_um(args.pasta, args.um, args.limite_celula, args.max_saida)
        return 0
    corrigir(args.pasta, args.limite, args.limite_celula, args.max_saida, args.max_arquivo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
