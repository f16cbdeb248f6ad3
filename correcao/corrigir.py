"""Corrige uma pasta de notebooks devolvidos: o laço principal (veja ``correcao/__init__.py``)."""
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from correcao import caixa, entregas, planilha
from correcao.avaliacao import avaliar, situacao

PASTA_INTERNA = ".correcao"
TEMPORARIA = caixa.TEMPORARIA or tempfile.gettempdir()
VERSAO = 1  # mude para refazer todos os resultados guardados


@dataclass
class Entrega:
    arquivo: str
    licao: str = ""
    nome: str = ""
    matricula: str = ""
    situacao: str = ""
    estados: dict = field(default_factory=dict)     # rótulo → estado
    mensagens: dict = field(default_factory=dict)   # rótulo → mensagem
    escritas: dict = field(default_factory=dict)    # rótulo → resposta escrita
    suspeitas: list = field(default_factory=list)
    acrescentadas: int = 0
    segundos: float = 0.0


def gravar_atomico(caminho, texto, encoding="utf-8"):
    caminho = Path(caminho)
    temporario = caminho.with_name(f".{caminho.name}.{os.getpid()}.tmp")
    with open(temporario, "w", encoding=encoding, newline="") as f:
        f.write(texto)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporario, caminho)


def _morrer_com_o_pai():
    """No filho, antes do exec: morre (SIGKILL) se a correção morrer."""
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)


@dataclass
class _Tarefa:
    entrega: Entrega
    nb: object
    chave: str
    exercicios: list
    privada: Path = None
    processo: object = None
    inicio: float = 0.0


def corrigir(pasta, j=None, isolar=True, limite=600, limite_celula=300, max_saida=1_000_000,
             limites=None, edicoes=None, pontos=None, mostrar=lambda texto: print(texto, flush=True)):
    """Corrige todos os notebooks de ``pasta``; grava as planilhas e ``notas.md``; devolve as entregas.

    ``edicoes``: lição → edição do aluno (para os testes); por padrão, geradas de ``lessons/``.
    """
    import nbformat

    from ferramentas import edicoes as gerador
    from ferramentas import myst, repositorio

    pasta = Path(pasta).resolve()
    if not pasta.is_dir():
        raise SystemExit(f"{pasta}: a pasta das entregas não existe. Use make corrigir ENTREGAS=pasta.")
    j = j or os.cpu_count() or 1
    limites = limites or caixa.Limites(cpu=limite)
    interna = pasta / PASTA_INTERNA
    interna.mkdir(exist_ok=True)
    resultados = interna / "resultados"
    resultados.mkdir(exist_ok=True)
    trava = open(interna / "trava", "w")
    try:
        fcntl.flock(trava, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"{pasta}: outra correção já está rodando nesta pasta; espere ela terminar.")
    # As pastas de cada notebook ficam num lugar que o usuário da caixa atravessa (/tmp); o caminho
    # fica anotado aqui para que a próxima rodada apague os restos de uma correção interrompida.
    anotacao = interna / "em-andamento.txt"
    with contextlib.suppress(OSError):
        resto = Path(anotacao.read_text(encoding="utf-8").strip())
        if resto.name.startswith("correcao-") and resto.parent == Path(TEMPORARIA):
            shutil.rmtree(resto, ignore_errors=True)
    temporaria = Path(tempfile.mkdtemp(prefix="correcao-", dir=TEMPORARIA))
    temporaria.chmod(0o755)
    gravar_atomico(anotacao, str(temporaria))
    try:
        if isolar:
            caixa.verificar()
        todos = myst.exercicios()
        licoes = repositorio.licoes()
        titulos = {l.stem: repositorio.titulo_da_licao(repositorio.ler_licao(l)) for l in licoes}
        if edicoes is None:
            ctx = gerador.Contexto()
            edicoes = {l.stem: gerador.edicao(l, ctx, aluno=True)[1] for l in licoes}
        titulos = {l: t for l, t in titulos.items() if l in edicoes}
        automaticos = {l: [e for e in todos if e.licao == l and e.automatico] for l in titulos}
        arquivos = sorted(p for p in pasta.rglob("*.ipynb")
                          if ".ipynb_checkpoints" not in p.parts and PASTA_INTERNA not in p.relative_to(pasta).parts)
        if not arquivos:
            raise SystemExit(f"{pasta}: nenhum notebook (.ipynb) para corrigir.")
        # Lidos todos antes de qualquer um rodar.
        textos = {p: p.read_bytes() for p in arquivos}
        # Os núcleos da CPU divididos entre os notebooks que rodam juntos (não muda o resultado).
        config = {"limite": limite, "limite_celula": limite_celula, "max_saida": max_saida,
                  "limites": asdict(limites), "isolar": isolar, "versao": VERSAO}
        config_nucleo = {**config, "threads": max(1, (os.cpu_count() or 1) // j)}
        lista, fila = [], []
        for caminho, dados in textos.items():
            entrega = Entrega(caminho.relative_to(pasta).as_posix())
            lista.append(entrega)
            try:
                original = nbformat.reads(dados.decode("utf-8"), as_version=4)
            except Exception:
                entrega.situacao = "arquivo ilegível (não é um notebook válido)"
                mostrar(f"{entrega.arquivo}: {entrega.situacao}")
                continue
            entrega.licao = entregas.reconhecer(original, titulos)
            if not entrega.licao:
                entrega.situacao = "lição não reconhecida (o título da primeira célula foi mudado?)"
                mostrar(f"{entrega.arquivo}: {entrega.situacao}")
                continue
            nb, extras = entregas.restaurar(edicoes[entrega.licao], original)
            entrega.nome, entrega.matricula = entregas.identificacao(nb)
            entrega.escritas = entregas.respostas_escritas(nb)
            entrega.suspeitas = entregas.suspeitas(nb)
            entrega.acrescentadas = len(extras)
            texto = nbformat.writes(nb)
            chave = hashlib.sha256(json.dumps([texto, config], sort_keys=True).encode()).hexdigest()[:32]
            guardado = resultados / f"{chave}.json"
            if guardado.is_file():
                try:
                    anterior = json.loads(guardado.read_text(encoding="utf-8"))
                    for campo in ("situacao", "estados", "mensagens", "segundos"):
                        setattr(entrega, campo, anterior[campo])
                    entrega.suspeitas = anterior["suspeitas"]
                    mostrar(f"{entrega.arquivo}: já corrigido numa rodada anterior.")
                    continue
                except (OSError, ValueError, KeyError):
                    pass
            fila.append(_Tarefa(entrega, nb, chave, automaticos[entrega.licao]))
        _rodar_fila(fila, j, config_nucleo, temporaria, resultados, mostrar)
        planilha.gravar(pasta, lista, todos, titulos, config, pontos=pontos, mostrar=mostrar)
        return lista
    finally:
        shutil.rmtree(temporaria, ignore_errors=True)
        anotacao.unlink(missing_ok=True)
        trava.close()


def _rodar_fila(fila, j, config, temporaria, resultados, mostrar):
    """Roda até ``j`` notebooks ao mesmo tempo; grava cada resultado assim que ele sai."""
    import nbformat
    rodando, total, feitos = [], len(fila), 0
    raiz = Path(__file__).resolve().parents[1]
    while fila or rodando:
        while fila and len(rodando) < j:
            t = fila.pop(0)
            t.privada = Path(tempfile.mkdtemp(prefix="entrega-", dir=temporaria))
            t.privada.chmod(0o755)
            nbformat.write(t.nb, t.privada / "entrega.ipynb")
            (t.privada / "config.json").write_text(json.dumps(config), encoding="utf-8")
            registro = open(t.privada / "registro.txt", "wb")
            env = {k: v for k, v in os.environ.items() if k not in ("JPY_PARENT_PID", "FASHION_MNIST_DIR")}
            env["PYTHONPATH"] = os.pathsep.join(p for p in [str(raiz), env.get("PYTHONPATH", "")] if p)
            t.processo = subprocess.Popen([sys.executable, "-m", "correcao.rodar", str(t.privada)], cwd=raiz,
                                          env=env, stdout=registro, stderr=subprocess.STDOUT,
                                          start_new_session=True, preexec_fn=_morrer_com_o_pai)
            registro.close()
            t.inicio = time.monotonic()
            rodando.append(t)
            mostrar(f"{t.entrega.arquivo}: lição {t.entrega.licao}, rodando...")
        time.sleep(0.05)
        for t in list(rodando):
            estourou = time.monotonic() - t.inicio > config["limite"]
            if t.processo.poll() is None and not estourou:
                continue
            rodando.remove(t)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(t.processo.pid, signal.SIGKILL)
            t.processo.wait()
            _concluir(t, estourou, config, resultados)
            feitos += 1
            e = t.entrega
            mostrar(f"  [{feitos}/{total}] {e.arquivo}: {e.situacao}; "
                    + ", ".join(f"{r}: {s}" for r, s in e.estados.items()))


def _concluir(t, estourou, config, resultados):
    e = t.entrega
    e.segundos = round(time.monotonic() - t.inicio, 1)
    try:
        progresso = json.loads((t.privada / "progresso.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        progresso = {"executadas": [], "erros": {}, "resultados": [], "fim": False}
    if not progresso.get("fim") and not estourou and not progresso.get("morreu"):
        with contextlib.suppress(OSError):
            progresso.setdefault("falha", (t.privada / "registro.txt").read_text(errors="replace")[-2000:])
    e.estados, e.mensagens, outras = avaliar(t.nb, t.exercicios, progresso, estourou)
    e.suspeitas = e.suspeitas + outras
    e.situacao = situacao(progresso, estourou, config["limite"])
    shutil.rmtree(t.privada, ignore_errors=True)
    gravar_atomico(resultados / f"{t.chave}.json", json.dumps(
        {"arquivo": e.arquivo, "situacao": e.situacao, "estados": e.estados, "mensagens": e.mensagens,
         "segundos": e.segundos, "suspeitas": e.suspeitas}, ensure_ascii=False))
