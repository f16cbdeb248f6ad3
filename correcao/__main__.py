"""``python -m correcao PASTA``: veja ``correcao/__init__.py``."""
import argparse
import sys

from correcao import caixa, corrigir


def main(argv=None):
    import correcao
    parser = argparse.ArgumentParser(prog="python -m correcao", description=correcao.__doc__.split("\n")[0])
    parser.add_argument("pasta", help="pasta com os notebooks devolvidos pelos alunos")
    parser.add_argument("-j", type=int, default=None, metavar="N",
                        help="quantos notebooks rodam ao mesmo tempo (padrão: o número de núcleos da CPU)")
    parser.add_argument("--limite", type=int, default=600, help="segundos por notebook (padrão: 600)")
    parser.add_argument("--limite-celula", type=int, default=300, help="segundos por célula (padrão: 300)")
    parser.add_argument("--max-saida", type=int, default=1_000_000,
                        help="bytes de saída guardados por notebook (padrão: 1 MB)")
    parser.add_argument("--memoria", type=int, default=caixa.Limites.memoria // 2**20,
                        help="MiB de memória por processo da caixa (padrão: %(default)s)")
    parser.add_argument("--disco", type=int, default=caixa.Limites.disco // 2**20,
                        help="MiB de disco na pasta pessoal e no /tmp da caixa (padrão: %(default)s)")
    parser.add_argument("--processos", type=int, default=caixa.Limites.processos,
                        help="processos e threads por caixa (padrão: %(default)s)")
    parser.add_argument("--sem-isolamento", action="store_true",
                        help="roda os notebooks sem a caixa do bubblewrap (só com entregas confiáveis; "
                             "o relatório diz isso)")
    parser.add_argument("--edicao-do-curso", metavar="PASTA", help=argparse.SUPPRESS)  # testes: LICAO.ipynb
    args = parser.parse_args(argv)
    edicoes = None
    if args.edicao_do_curso:
        import nbformat
        from pathlib import Path
        edicoes = {p.stem: nbformat.read(p, as_version=4) for p in Path(args.edicao_do_curso).glob("*.ipynb")}
    limites = caixa.Limites(cpu=args.limite, memoria=args.memoria * 2**20, disco=args.disco * 2**20,
                            processos=args.processos)
    corrigir.corrigir(args.pasta, j=args.j, isolar=not args.sem_isolamento, limite=args.limite,
                      limite_celula=args.limite_celula, max_saida=args.max_saida, limites=limites,
                      edicoes=edicoes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
