"""O estado de cada exercício de um notebook já rodado, a partir do que o núcleo fez."""

ESTADOS = ("correto", "errado", "sem resposta", "erro", "tempo esgotado")  # = cursoconv.exercicios.base.ESTADOS


def _celula_de_verificacao(nb, ex):
    """Índice da célula do curso que chama o verificador do exercício."""
    for i, c in enumerate(nb.cells):
        if (c.cell_type == "code" and (c.metadata.get("correcao") or {}).get("origem") == "curso"
                and (ex.rotulo in c.source or any(f"{nome}(" in c.source for nome in ex.verificadores))):
            return i
    return None


def _esgotou_antes(nb, i, progresso):
    """Alguma célula entre a verificação anterior e a ``i`` passou do limite de tempo?"""
    for j in range(i - 1, -1, -1):
        erro = progresso["erros"].get(str(j))
        if erro and erro[0] in ("TempoEsgotado", "KeyboardInterrupt"):
            return True
        if j < i - 1 and "verifica" in nb.cells[j].source and nb.cells[j].metadata["correcao"]["origem"] == "curso":
            return False
    return False


def avaliar(nb, exercicios, progresso, estourou):
    """Estado e mensagem de cada exercício automático de um notebook já rodado."""
    estados, mensagens, suspeitas = {}, {}, []
    for ex in exercicios:
        i = _celula_de_verificacao(nb, ex)
        vindos = [r for r in progresso.get("resultados", []) if r[1] == ex.rotulo]
        daqui = [r for r in vindos if r[0] == i and r[2] in ESTADOS]
        if any(r[0] != i for r in vindos):
            suspeitas.append(f"o resultado do exercício {ex.rotulo} também foi registrado fora da sua "
                             "célula de verificação (ignorado)")
        erro = progresso["erros"].get(str(i)) if i is not None else None
        if daqui:
            estado, msg = daqui[-1][2], daqui[-1][3]
        elif i is None:
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
    return estados, mensagens, suspeitas


def situacao(progresso, estourou, limite):
    """A situação de um notebook já rodado, em uma frase."""
    if estourou:
        return f"tempo esgotado (passou de {limite} s no total)"
    if progresso.get("fim"):
        erros = progresso["erros"]
        texto = "rodou até o fim"
        if erros:
            primeira = min(erros, key=int)
            texto += (f" ({len(erros)} células com erro; a primeira, a {int(primeira) + 1}ª célula, "
                      f"deu {erros[primeira][0]})")
        return texto
    if progresso.get("morreu"):
        return "o núcleo morreu no meio (memória, processos ou disco demais, ou o notebook se matou)"
    return "a correção falhou: " + str(progresso.get("falha", ""))[-300:]
