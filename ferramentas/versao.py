"""Confere que uma etiqueta do git é a versão que as lições instalam (o workflow de versão usa).

    python -m ferramentas.versao v1.0

Passa se o ``_config.yml`` diz ``etiqueta: "v1.0"`` e as lições e edições estão em
sincronia com ele (a célula de preparação instala a v1.0 e os selos abrem as
edições da v1.0). Senão, diz o que fazer, em português, e sai com erro.
"""
import sys

from ferramentas import repositorio, sincronizar


def conferir(etiqueta):
    """Lista do que falta para ``etiqueta`` ser a versão que as lições instalam (vazia se nada)."""
    problemas = []
    registrada = repositorio.etiqueta()
    if registrada != etiqueta:
        problemas.append(
            f"O _config.yml diz etiqueta: {registrada!r}, e não {etiqueta!r}: as lições desta etiqueta "
            f"instalariam outra versão. Escreva etiqueta: \"{etiqueta}\" no _config.yml, rode make edicoes, "
            f"faça o commit e crie a etiqueta nesse commit (git tag -f {etiqueta} && git push -f origin {etiqueta}).")
    elif sincronizar.main(verificar=True):
        problemas.append("As lições ou as edições não estão em sincronia com o _config.yml: rode make edicoes, "
                         "faça o commit e crie a etiqueta nesse commit.")
    return problemas


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("Uso: python -m ferramentas.versao ETIQUETA (por exemplo, v1.0)")
    erros = conferir(sys.argv[1])
    for erro in erros:
        print(erro, file=sys.stderr)
    if not erros:
        print(f"{sys.argv[1]} é a versão que as lições instalam.")
    sys.exit(1 if erros else 0)
