"""Roda um notebook já restaurado (processo filho da correção, fora da caixa).

    python -m correcao.rodar PASTA_PRIVADA

Lê ``PASTA_PRIVADA/entrega.ipynb`` e ``config.json``, abre o núcleo (na caixa,
ou sem isolamento) e o dirige com o nbclient daqui de fora; grava o que viu em
``PASTA_PRIVADA/resultado.json``. O resultado de cada verificador chega como
uma saída do tipo ``MIME`` da célula em que rodou (o preâmbulo embrulha
``cursoconv.exercicios.base.registrar``); a correção só aceita o de cada exercício
que veio da sua célula de verificação.
"""
import json
import os
import sys
from pathlib import Path

MIME = "application/vnd.cursoconv.resultado+json"
NUCLEO = "correcao-cursoconv"

PREAMBULO = f"""\
def _preparar_correcao():
    from IPython.display import publish_display_data
    from cursoconv.exercicios import base
    registrar = base.registrar

    def registrar_e_publicar(rotulo, estado, mensagem, nome=None):
        texto = registrar(rotulo, estado, mensagem, nome)
        publish_display_data({{{MIME!r}: {{"rotulo": rotulo, "estado": estado, "mensagem": mensagem}},
                              "text/plain": ""}})
        return texto

    base.registrar = registrar_e_publicar


_preparar_correcao()
del _preparar_correcao
"""


def _escrever(caminho, dados):
    temporario = Path(str(caminho) + ".tmp")
    temporario.write_text(json.dumps(dados, ensure_ascii=False), encoding="utf-8")
    os.replace(temporario, caminho)


def main(privada):
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    from correcao import caixa

    privada = Path(privada)
    config = json.loads((privada / "config.json").read_text(encoding="utf-8"))
    nb = nbformat.read(privada / "entrega.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PREAMBULO))
    limites = caixa.Limites(**config["limites"])
    conexao = privada / "conexao"
    caixa.preparar_conexao(conexao)
    casa = privada / "casa"
    casa.mkdir(exist_ok=True)
    if config["isolar"]:
        argv = caixa.comando(conexao, limites, threads=config.get("threads", 1))
        env = {}
    else:
        argv = [sys.executable, "-c", caixa.LANCADOR, "{connection_file}"]
        # Uma cópia do módulo, fora do checkout (como na caixa, cursoconv.__file__ não leva às lições).
        import shutil
        shutil.copytree(caixa.pasta_do_curso(), privada / "curso" / "cursoconv",
                        ignore=shutil.ignore_patterns("__pycache__"))
        env = caixa.ambiente_da_caixa(limites, casa=str(casa), pythonpath=str(privada / "curso"),
                                      threads=config.get("threads", 1))
    especificacao = privada / "kernels" / NUCLEO
    especificacao.mkdir(parents=True)
    (especificacao / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "Correção do curso", "language": "python", "interrupt_mode": "message",
        "env": env}), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = str(privada)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(conexao)
    os.environ.pop("JPY_PARENT_PID", None)

    class Gerente(AsyncKernelManager):
        def write_connection_file(self, **kwargs):
            retorno = super().write_connection_file(**kwargs)
            caixa.liberar_arquivo(self.connection_file)
            return retorno

    progresso = {"executadas": [], "erros": {}, "resultados": [], "fim": False}

    def anotar():
        _escrever(privada / "progresso.json", progresso)

    class Cliente(NotebookClient):
        saida = 0

        def output(self, outs, msg, display_id, cell_index):
            dados = (msg.get("content") or {}).get("data") or {}
            if MIME in dados and cell_index > 0:
                r = dados[MIME]
                if isinstance(r, dict):
                    progresso["resultados"].append([cell_index - 1, str(r.get("rotulo", "")),
                                                    str(r.get("estado", "")), str(r.get("mensagem", ""))[:2000]])
                return None
            self.saida += len(json.dumps(msg.get("content", {})))
            if self.saida > config["max_saida"]:
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

    limite_celula = config["limite_celula"]
    gerente = Gerente(kernel_name=NUCLEO, transport="ipc", connection_file=str(conexao / "nucleo.json"),
                      ip=str(conexao / "nucleo"))
    cliente = Cliente(nb, km=gerente, timeout=limite_celula, allow_errors=True, interrupt_on_timeout=True,
                      record_timing=False, startup_timeout=int(os.environ.get("CORRECAO_PARTIDA", "120")), shutdown_kernel="immediate",
                      error_on_timeout={"ename": "TempoEsgotado",
                                        "evalue": f"a célula passou de {limite_celula} s", "traceback": []},
                      resources={"metadata": {"path": str(casa)}}, on_cell_executed=executada)
    anotar()
    try:
        cliente.execute()
        progresso["fim"] = True
    except DeadKernelError:
        progresso["morreu"] = True
    except Exception as erro:  # o notebook quebrou o próprio cliente: anota e segue
        progresso["falha"] = f"{type(erro).__name__}: {erro}"[:2000]
    anotar()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
