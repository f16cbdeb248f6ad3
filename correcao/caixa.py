"""A caixa de areia de cada entrega, feita com o bubblewrap (``bwrap``).

O núcleo do Jupyter de cada notebook roda dentro de uma caixa com:

- os seus próprios espaços de nomes (``--unshare-all``): processos (PID), rede
  (só a interface de loopback, sem nada ligado a ela), IPC, usuário, UTS;
- ``--die-with-parent``: se o processo que a abriu morre, a caixa morre; o
  primeiro processo da caixa é o ``init`` do bwrap, e quando ele morre o
  núcleo do Linux mata tudo o que estiver no espaço de PIDs (inclusive
  processos que fizeram ``setsid``);
- só leitura em ``/usr``, ``/etc``, no Python (o ambiente virtual e o Python
  de base) e no módulo do curso (montado em ``/opt/curso/cursoconv``: o
  ``cursoconv.__file__`` não leva ao checkout); nada mais do disco: nem o
  checkout (``lessons/``, as edições), nem as outras entregas, nem a pasta do
  instrutor;
- uma pasta pessoal (``HOME``, que é também a pasta de trabalho) e um ``/tmp``
  em tmpfs com tamanho limitado (``--size``);
- limites do núcleo do Linux (``setrlimit``) aplicados antes de qualquer código
  do aluno: tempo de CPU, memória (espaço de endereçamento), tamanho de cada
  arquivo e número de processos. O limite de processos do Linux conta por
  usuário; por isso, quando a correção roda como root (que o Linux isenta
  desse limite), a caixa roda com o usuário ``nobody`` (65534): o que só o
  root lê fora da caixa (por exemplo um Python em ``/root``) é montado antes,
  num espaço de montagem próprio (``unshare --mount``), e a caixa o vê pelo
  mesmo caminho.

O cliente do Jupyter (nbclient) fica fora da caixa e fala com o núcleo por
soquetes de domínio Unix (``transport="ipc"``) numa pasta montada dentro dela,
a única que a caixa e a correção compartilham.
"""
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534
TEMPORARIA = "/tmp" if os.path.isdir("/tmp") else None  # o usuário da caixa precisa atravessá-la
CASA = "/home/aluno"
CURSO = "/opt/curso"


@dataclass
class Limites:
    cpu: int = 600                  # segundos de CPU por processo
    memoria: int = 6 * 2**30        # bytes de espaço de endereçamento por processo
    arquivo: int = 50_000_000       # bytes por arquivo gravado
    disco: int = 256 * 2**20        # bytes no HOME e no /tmp da caixa (cada um)
    processos: int = 96             # processos e threads do usuário da caixa


# Roda dentro da caixa (ou, sem isolamento, no processo do núcleo), antes do ipykernel.
LANCADOR = """\
import os, resource, sys
lim = [int(x) for x in os.environ.pop("CORRECAO_LIMITES").split(",")]
for r, v in zip((resource.RLIMIT_CPU, resource.RLIMIT_AS, resource.RLIMIT_FSIZE, resource.RLIMIT_NPROC,
                 resource.RLIMIT_CORE), lim + [0]):
    if v >= 0:
        resource.setrlimit(r, (v, v))
try:
    import ctypes, signal
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: morre com quem o abriu
except Exception:
    pass
sys.argv = ["ipykernel_launcher", "-f", sys.argv[1]]
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


class SemIsolamento(SystemExit):
    pass


def _e_root():
    return os.geteuid() == 0


def _raizes_do_python():
    """As pastas do Python que o núcleo usa: o ambiente virtual e o Python de base."""
    pastas = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
              Path(os.path.realpath(sys.executable)).parent.parent}
    # Um ambiente virtual aponta para o executável de base pelo caminho original (sem resolver).
    pastas |= {Path(sys.base_prefix), Path(sys.prefix)}
    return sorted({p for p in pastas if p.is_dir() and str(p) not in ("/usr", "/")}, key=str)


def pasta_do_curso():
    import importlib.util
    spec = importlib.util.find_spec("cursoconv")
    if spec is None or not spec.origin:
        raise SystemExit("o módulo do curso (cursoconv) não está instalado neste Python; rode make corrigir.")
    return Path(spec.origin).resolve().parent


def ambiente_da_caixa(limites, casa=CASA, pythonpath=CURSO, threads=1):
    """Variáveis de ambiente do núcleo: modo rápido, sem proxies, ``threads`` threads de cálculo."""
    return {
        "HOME": casa, "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "PYTHONPATH": pythonpath, "CURSO_RAPIDO": "1", "TQDM_DISABLE": "1", "MPLBACKEND": "Agg",
        "PIP_NO_INDEX": "1", "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads), "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "CORRECAO_LIMITES": ",".join(str(v) for v in (limites.cpu, limites.memoria, limites.arquivo,
                                                      limites.processos)),
    }


def comando(conexao, limites, python=None, threads=1):
    """``argv`` que abre o núcleo (com ``{connection_file}``) numa caixa; ``conexao`` é a pasta compartilhada."""
    python = python or sys.executable
    conexao = Path(conexao)
    curso = pasta_do_curso()
    root = _e_root()
    montagens = [(p, p) for p in _raizes_do_python()] + [(curso, Path(CURSO) / "cursoconv")]
    preparo = []
    if root:
        # O que só o root lê é montado antes, numa pasta neutra, para o nobody (a caixa) ver.
        neutra = conexao.parent / "montagens"
        neutra.mkdir(mode=0o755, exist_ok=True)
        origem = []
        for i, (fonte, destino) in enumerate(montagens):
            ponto = neutra / str(i)
            ponto.mkdir(mode=0o755, exist_ok=True)
            preparo.append(f"mount --bind {shlex.quote(str(fonte))} {shlex.quote(str(ponto))}")
            origem.append((ponto, destino))
        montagens = origem
    bwrap = ["bwrap", "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
             "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for raiz in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(raiz):
            bwrap += ["--symlink", os.readlink(raiz), raiz]
        elif os.path.isdir(raiz):
            bwrap += ["--ro-bind", raiz, raiz]
    bwrap += ["--proc", "/proc", "--dev", "/dev",
              "--size", str(limites.disco), "--tmpfs", CASA, "--size", str(limites.disco), "--tmpfs", "/tmp"]
    for fonte, destino in montagens:
        bwrap += ["--ro-bind", str(fonte), str(destino)]
    bwrap += ["--bind", str(conexao), str(conexao), "--chdir", CASA, "--uid", "1000", "--gid", "1000",
              "--clearenv"]
    for chave, valor in ambiente_da_caixa(limites, threads=threads).items():
        bwrap += ["--setenv", chave, valor]
    bwrap += [python, "-c", LANCADOR, "{connection_file}"]
    if not root:
        return bwrap
    script = " && ".join(preparo + ['exec "$@"'])
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
            "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *bwrap]


def preparar_conexao(conexao):
    """A pasta compartilhada com a caixa (os soquetes do núcleo), gravável pelo usuário da caixa."""
    conexao = Path(conexao)
    conexao.mkdir(mode=0o700, exist_ok=True)
    conexao.parent.chmod(0o755)
    if _e_root():
        os.chown(conexao, NOBODY, NOBODY)


def liberar_arquivo(caminho):
    """O arquivo de conexão (gravado pelo cliente com modo 600) legível pelo usuário da caixa."""
    if _e_root():
        os.chown(caminho, NOBODY, NOBODY)


def executar(codigo, limites=None, tempo=60):
    """Roda ``codigo`` (Python) numa caixa como a dos núcleos; devolve o ``CompletedProcess``.

    Para os testes e a medida de custo: o mesmo ``comando``, trocando o núcleo por ``python -c``.
    """
    import tempfile
    with tempfile.TemporaryDirectory(prefix="correcao-caixa-", dir=TEMPORARIA) as pasta:
        os.chmod(pasta, 0o755)
        return _executar(codigo, Path(pasta), limites or Limites(), tempo)


def _executar(codigo, pasta, limites, tempo):
    conexao = pasta / "conexao"
    preparar_conexao(conexao)
    (conexao / "codigo.py").write_text(codigo, encoding="utf-8")
    liberar_arquivo(conexao / "codigo.py")
    argv = comando(conexao, limites)
    i = argv.index("{connection_file}")
    lancador = ("import os, resource, runpy, sys\n" + LANCADOR.split("try:")[0]
                + "runpy.run_path(sys.argv[1], run_name='__main__')\n")
    argv = argv[:i - 2] + ["-c", lancador, str(conexao / "codigo.py")] + argv[i + 1:]
    return subprocess.run(argv, capture_output=True, text=True, timeout=tempo)


MENSAGEM = """\
A correção isola cada notebook com o bubblewrap (bwrap), e ele não pôde rodar aqui:
  {motivo}
Como resolver:
  - instale-o: sudo apt-get install bubblewrap (Debian/Ubuntu; make corrigir já tenta);
  - o Linux precisa permitir espaços de nomes de usuário: sudo sysctl -w kernel.unprivileged_userns_clone=1
    (Debian antigo) ou, no Ubuntu 24.04+, sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0;
  - num contêiner Docker, rode-o com --privileged (ou --security-opt seccomp=unconfined);
  - no macOS ou no Windows, corrija numa máquina ou VM Linux.
Para corrigir mesmo assim, sem isolamento (só com alunos em quem você confia, e o relatório
dirá isso), use --sem-isolamento (make corrigir ENTREGAS=... SEM_ISOLAMENTO=1)."""


def verificar():
    """Confere que a caixa abre aqui; senão, para com uma mensagem que diz o que fazer."""
    if sys.platform != "linux":
        raise SemIsolamento(MENSAGEM.format(motivo=f"o sistema é {sys.platform}, e o bubblewrap só existe no Linux."))
    if shutil.which("bwrap") is None:
        raise SemIsolamento(MENSAGEM.format(motivo="o programa bwrap não está instalado."))
    for programa in (["unshare", "setpriv"] if _e_root() else []):
        if shutil.which(programa) is None:
            raise SemIsolamento(MENSAGEM.format(motivo=f"falta o programa {programa} (pacote util-linux)."))
    try:
        r = executar("import cursoconv; print('ok')", tempo=120)
    except subprocess.TimeoutExpired:
        raise SemIsolamento(MENSAGEM.format(motivo="a caixa de teste não terminou em 120 s."))
    if r.returncode != 0 or r.stdout.strip() != "ok":
        motivo = (r.stderr.strip().splitlines() or ["(sem mensagem)"])[-1]
        raise SemIsolamento(MENSAGEM.format(motivo=f"o bwrap falhou: {motivo}"))
