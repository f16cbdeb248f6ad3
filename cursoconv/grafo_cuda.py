"""A iteração de treino gravada num grafo CUDA: a única otimização do laço que se paga.

Numa rede pequena como a LeNet-5, a GPU faz as contas de um lote mais depressa do que a CPU dispara as
centenas de kernels pequenos de uma iteração; gravada num grafo CUDA, a iteração vira um comando só,
repetido com ``replay()`` (na H100, a época da lição 5 foi de 0,92 s a 0,56 s: ``benchmark/resultados.md``).
O grafo repete os mesmos endereços: os dados de treino ficam na GPU durante o treino, o lote é escolhido
por índices copiados para um tensor fixo, e as somas da época são tensores fixos zerados no lugar.
"""

import torch


class GrafoCUDA:
    """Executa as épocas de treino de um ``CarregadorDeTensores`` com a iteração num grafo CUDA.

    ``iteracao`` é a de ``cursoconv.treino`` (chamada com ``X, y``). As ``AQUECIMENTO`` primeiras rodam
    num fluxo à parte (o cuDNN escolhe algoritmos, o otimizador cria seus estados); a seguinte é gravada,
    e cada lote completo depois é um ``replay()``; o lote final menor roda sem o grafo. Se a gravação
    falhar (por exemplo, ``Adam`` sem ``capturable=True``), avisa e segue sem o grafo, com o mesmo resultado.
    """

    AQUECIMENTO = 3

    def __init__(self, iteracao, carregador, dispositivo):
        self.iteracao, self.carregador = iteracao, carregador
        X, y = carregador.dataset.tensors
        self.X, self.y = X.to(dispositivo), y.to(dispositivo)
        self.dispositivo = dispositivo
        self.grafo, self.indices, self.aquecidos, self.falhou = None, None, 0, False
        self.fluxo = torch.cuda.Stream(dispositivo)

    def iteracoes(self):
        """Treina uma época e entrega o tamanho de cada lote; a ordem é a de ``carregador.ordem()``."""
        lote = self.carregador.batch_size
        for indices in self.carregador.ordem().to(self.dispositivo).split(lote):
            if len(indices) == lote and not self.falhou:
                self._no_grafo(indices)
            else:
                self.iteracao(self.X.index_select(0, indices), self.y.index_select(0, indices))
            yield len(indices)

    def _no_grafo(self, indices):
        if self.grafo is None and self.aquecidos >= self.AQUECIMENTO:
            try:
                self._capturar(indices)
            except Exception as erro:  # algo que o grafo CUDA não aceita: segue sem ele
                self.falhou = True
                torch.cuda.synchronize(self.dispositivo)
                print("Aviso: não consegui gravar a iteração de treino num grafo CUDA "
                      f"({type(erro).__name__}: {str(erro)[:200]}); sigo com o laço comum, que dá o "
                      "mesmo resultado, só que mais devagar.", flush=True)
                self.iteracao(self.X.index_select(0, indices), self.y.index_select(0, indices))
                return
        if self.grafo is not None:
            self.indices.copy_(indices)
            self.grafo.replay()
            return
        principal = torch.cuda.current_stream(self.dispositivo)
        self.fluxo.wait_stream(principal)
        with torch.cuda.stream(self.fluxo):  # o aquecimento fora do fluxo principal, como pede a captura
            self.iteracao(self.X.index_select(0, indices), self.y.index_select(0, indices))
        principal.wait_stream(self.fluxo)
        self.aquecidos += 1

    def _capturar(self, indices):
        self.indices = indices.clone()
        grafo = torch.cuda.CUDAGraph()
        self.iteracao.otimizador.zero_grad(set_to_none=True)
        with torch.cuda.graph(grafo):
            self.iteracao(self.X.index_select(0, self.indices), self.y.index_select(0, self.indices))
        self.grafo = grafo  # a gravação não executa a iteração: o replay() logo depois a executa
