"""Correção dos notebooks devolvidos pelos alunos, cada um isolado numa caixa de areia.

    python -m correcao PASTA [-j N] [--limite 600] [--limite-celula 300] [--sem-isolamento]
    make corrigir ENTREGAS=PASTA [J=N] [SEM_ISOLAMENTO=1]

Para cada ``.ipynb`` em ``PASTA`` (com qualquer nome, inclusive em subpastas):

1. a lição é reconhecida pelo conteúdo (os metadados das edições, ou o título);
2. o notebook que roda é a edição do aluno do próprio curso, com as respostas
   da entrega (``correcao.entregas``): editar ou apagar uma célula de
   verificação não muda nada;
3. ele roda do início ao fim, no modo rápido (``CURSO_RAPIDO=1``), com limite
   de tempo por célula e no total, num núcleo do Jupyter dentro de uma caixa do
   bubblewrap (``correcao.caixa``): sem rede, sem ver o checkout, as outras
   entregas nem a pasta do instrutor, com limites de CPU, memória, disco e
   processos; quando a caixa fecha, nada do que ela abriu continua vivo;
4. o resultado de cada notebook é gravado assim que ele termina (de uma vez,
   em ``PASTA/.correcao/resultados/``); rodar de novo retoma de onde parou
   (um notebook só roda de novo se ele, o curso ou as opções mudaram), e matar
   a correção perde no máximo os notebooks que estavam rodando;
5. ``-j N`` roda N notebooks ao mesmo tempo (padrão: o número de núcleos);
6. no fim, este processo (nunca um notebook) grava a planilha ``notas.csv``
   (``correcao.planilha``) e o relatório ``notas.md``.

Sem o bubblewrap (ou sem espaços de nomes de usuário), a correção para com uma
mensagem que diz o que instalar ou ligar; ``--sem-isolamento`` corrige mesmo
assim, e o relatório diz isso em destaque.
"""
